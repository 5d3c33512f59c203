//! Counting an inbound notice (WMS-2, WMS-3): what was expected against what was counted, and
//! the discrepancy report that follows (over, short, damaged, wrong SKU).
//!
//! Only good units go into stock; damaged ones are reported, not stocked. A SKU of the merchant
//! that the notice does not list is a wrong-SKU line: its good units are stocked (they are the
//! merchant's and they are here) and reported.

use serde::Serialize;

/// Expected and counted units of one SKU on one notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountedLine<Id> {
    pub sku_id: Id,
    pub expected: i64,
    pub good: i64,
    pub damaged: i64,
}

/// A kind of discrepancy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Discrepancy {
    /// Fewer units arrived than were notified.
    Short,
    /// More units arrived than were notified.
    Over,
    /// Some units arrived damaged.
    Damaged,
    /// The SKU was not on the notice.
    WrongSku,
}

impl Discrepancy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Short => "short",
            Self::Over => "over",
            Self::Damaged => "damaged",
            Self::WrongSku => "wrong_sku",
        }
    }
}

impl<Id> CountedLine<Id> {
    /// What is wrong with this line (empty when it arrived as notified).
    pub fn discrepancies(&self) -> Vec<Discrepancy> {
        let mut out = Vec::new();
        let arrived = self.good + self.damaged;
        if self.expected == 0 && arrived > 0 {
            out.push(Discrepancy::WrongSku);
        } else if arrived < self.expected {
            out.push(Discrepancy::Short);
        } else if arrived > self.expected {
            out.push(Discrepancy::Over);
        }
        if self.damaged > 0 {
            out.push(Discrepancy::Damaged);
        }
        out
    }

    /// Units that go into stock.
    pub fn stocked(&self) -> i64 {
        self.good
    }
}

/// The lines of a discrepancy report: every line with something wrong, in the given order.
pub fn discrepancy_lines<Id: Clone>(lines: &[CountedLine<Id>]) -> Vec<(CountedLine<Id>, Vec<Discrepancy>)> {
    lines
        .iter()
        .filter_map(|l| {
            let d = l.discrepancies();
            (!d.is_empty()).then(|| (l.clone(), d))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Discrepancy::*;

    fn line(expected: i64, good: i64, damaged: i64) -> CountedLine<&'static str> {
        CountedLine { sku_id: "s", expected, good, damaged }
    }

    #[test]
    fn each_kind_of_line_is_named() {
        let cases: [(CountedLine<&str>, &[Discrepancy], i64); 7] = [
            (line(10, 10, 0), &[], 10),
            (line(10, 8, 0), &[Short], 8),
            (line(10, 12, 0), &[Over], 12),
            (line(10, 8, 2), &[Damaged], 8),
            (line(10, 7, 2), &[Short, Damaged], 7),
            (line(0, 3, 0), &[WrongSku], 3),
            (line(10, 0, 0), &[Short], 0),
        ];
        for (l, want, stocked) in cases {
            assert_eq!(l.discrepancies(), want, "{l:?}");
            assert_eq!(l.stocked(), stocked, "only good units are stocked: {l:?}");
        }
    }

    #[test]
    fn the_report_lists_only_lines_with_something_wrong() {
        let report = discrepancy_lines(&[line(10, 10, 0), line(5, 4, 0), line(0, 1, 0)]);
        let kinds: Vec<_> = report.iter().map(|(_, d)| d.clone()).collect();
        assert_eq!(kinds, [vec![Short], vec![WrongSku]]);
    }
}
