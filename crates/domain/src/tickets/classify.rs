//! The standard categories of a buyer's message (CS-2), suggested from its words in English and
//! Chinese and from the state of the order it is about. The suggestion says which words (or which
//! fact of the order) made it, so an agent can judge it, and change it.

use serde::{Deserialize, Serialize};

/// The standard categories.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Quality,
    DelayLost,
    WrongMissing,
    SizeColour,
    NotAsDescribed,
    OrderStatus,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Self::Quality,
        Self::DelayLost,
        Self::WrongMissing,
        Self::SizeColour,
        Self::NotAsDescribed,
        Self::OrderStatus,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Quality => "quality",
            Self::DelayLost => "delay_lost",
            Self::WrongMissing => "wrong_missing",
            Self::SizeColour => "size_colour",
            Self::NotAsDescribed => "not_as_described",
            Self::OrderStatus => "order_status",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The words (English, then Chinese) that point to the category.
    fn words(self) -> &'static [&'static str] {
        match self {
            Self::Quality => &[
                "broken",
                "damaged",
                "defective",
                "faulty",
                "cracked",
                "stopped working",
                "doesn't work",
                "does not work",
                "poor quality",
                "坏了",
                "破损",
                "损坏",
                "质量",
                "裂开",
                "故障",
                "不能用",
                "瑕疵",
            ],
            Self::DelayLost => &[
                "late",
                "delayed",
                "delay",
                "not arrived",
                "hasn't arrived",
                "has not arrived",
                "never arrived",
                "lost",
                "still waiting",
                "stuck",
                "延误",
                "迟到",
                "还没到",
                "没收到",
                "未收到",
                "丢失",
                "丢件",
                "卡住",
            ],
            Self::WrongMissing => &[
                "wrong item",
                "wrong product",
                "missing",
                "not in the box",
                "only received",
                "instead of",
                "发错",
                "错发",
                "少发",
                "漏发",
                "缺少",
                "少了",
            ],
            Self::SizeColour => &[
                "size",
                "too small",
                "too big",
                "too large",
                "colour",
                "color",
                "doesn't fit",
                "尺码",
                "尺寸",
                "大小",
                "颜色",
                "偏大",
                "偏小",
            ],
            Self::NotAsDescribed => &[
                "not as described",
                "different from the picture",
                "not like the photo",
                "misleading",
                "fake",
                "counterfeit",
                "与描述不符",
                "和描述不符",
                "跟图片不一样",
                "假货",
            ],
            Self::OrderStatus => &[
                "where is my order",
                "where is my parcel",
                "where's my order",
                "where is my package",
                "order status",
                "when will",
                "tracking",
                "shipped yet",
                "has it shipped",
                "订单状态",
                "到哪了",
                "什么时候发货",
                "发货了吗",
                "物流信息",
                "快递到哪",
            ],
            Self::Other => &[],
        }
    }
}

/// A suggested category and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub category: Category,
    /// The words found, and any fact of the order that changed the suggestion.
    pub because: Vec<String>,
}

/// Whether `word` is in `text` (lower case): a Chinese word anywhere, an English one only as
/// whole words ("late" is not in "chocolate").
fn contains(text: &str, word: &str) -> bool {
    if !word.is_ascii() {
        return text.contains(word);
    }
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Suggests the category of `text`; `shipped` is whether the linked order has left the
/// warehouse (`None` when no order is linked). The category with the most words found wins, the
/// first in [`Category::ALL`] on a tie; none found is `other`. A delay before the order has left
/// the warehouse is a question of the order's status, not a parcel late or lost in transit.
pub fn classify(text: &str, shipped: Option<bool>) -> Suggestion {
    let text = text.to_lowercase();
    let mut best: Option<(Category, Vec<String>)> = None;
    for category in Category::ALL {
        let found: Vec<String> =
            category.words().iter().filter(|w| contains(&text, w)).map(|w| format!("\"{w}\"")).collect();
        if !found.is_empty() && best.as_ref().is_none_or(|(_, b)| found.len() > b.len()) {
            best = Some((category, found));
        }
    }
    let Some((category, mut because)) = best else {
        return Suggestion {
            category: Category::Other,
            because: vec!["no word of a category was found".into()],
        };
    };
    if category == Category::DelayLost && shipped == Some(false) {
        because.push("the order has not left the warehouse yet".into());
        return Suggestion { category: Category::OrderStatus, because };
    }
    Suggestion { category, because }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_in_english_and_chinese_get_their_category_and_the_words_that_made_it() {
        let cases: [(&str, Option<bool>, Category, &[&str]); 12] = [
            (
                "The lamp arrived broken, the shade is cracked",
                Some(true),
                Category::Quality,
                &["\"broken\"", "\"cracked\""],
            ),
            ("台灯收到时已经坏了，灯罩破损", Some(true), Category::Quality, &["\"坏了\"", "\"破损\""]),
            (
                "My parcel is late and still waiting",
                Some(true),
                Category::DelayLost,
                &["\"late\"", "\"still waiting\""],
            ),
            ("我的包裹还没到，已经延误一周", Some(true), Category::DelayLost, &["\"延误\"", "\"还没到\""]),
            (
                "You sent the wrong item, the pen is missing",
                Some(true),
                Category::WrongMissing,
                &["\"wrong item\"", "\"missing\""],
            ),
            (
                "The shirt is too small, I need another size",
                Some(true),
                Category::SizeColour,
                &["\"size\"", "\"too small\""],
            ),
            ("衣服颜色和尺码都不对", None, Category::SizeColour, &["\"尺码\"", "\"颜色\""]),
            (
                "This is not as described, looks fake",
                Some(true),
                Category::NotAsDescribed,
                &["\"not as described\"", "\"fake\""],
            ),
            (
                "Hi, where is my order? Any tracking?",
                None,
                Category::OrderStatus,
                &["\"where is my order\"", "\"tracking\""],
            ),
            (
                "订单状态怎么样，什么时候发货",
                None,
                Category::OrderStatus,
                &["\"订单状态\"", "\"什么时候发货\""],
            ),
            ("Thank you, lovely chocolate", None, Category::Other, &["no word of a category was found"]),
            (
                "It is late, still waiting",
                Some(false),
                Category::OrderStatus,
                &["\"late\"", "\"still waiting\"", "the order has not left the warehouse yet"],
            ),
        ];
        for (text, shipped, category, because) in cases {
            let s = classify(text, shipped);
            assert_eq!(s.category, category, "{text}");
            assert_eq!(s.because, because, "{text}");
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
    }
}
