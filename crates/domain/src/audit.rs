//! The audit trail's chain (SYS-1): every event of an operator is linked, in the order it was
//! sealed, to the link before by a SHA-256 over that link's hash and the event's own fields. An
//! event changed or deleted in the database, or a link removed or rewritten, breaks the chain at
//! that place, and `check` names it.

use sha2::{Digest, Sha256};

/// The hash before the first link.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event's fields as the chain covers them (all of them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedFields<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub merchant_id: Option<&'a str>,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub kind: &'a str,
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub data: &'a str,
    pub at: i64,
}

/// The SHA-256 (hex) of a text.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// What an erasure of personal data leaves in a string's place: the string's digest, so the link
/// still covers what was there and nothing but a blank can be put in its place unnoticed.
pub fn erased_leaf(original: &str) -> String {
    format!("[erased:{}]", sha256_hex(original))
}

/// The digest a string contributes to a link: the one an erased string carries, else its own.
fn leaf_digest(s: &str) -> String {
    match s.strip_prefix("[erased:").and_then(|r| r.strip_suffix(']')) {
        Some(h) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) => {
            h.to_string()
        }
        _ => sha256_hex(s),
    }
}

/// A JSON value with every string by its digest, objects' keys sorted (a canonical text).
fn shape(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::String(s) => out.push_str(&format!("\"{}\"", leaf_digest(s))),
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                shape(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (n, k) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                shape(&map[k], out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// An event's data as its link covers it: the JSON with each string by its digest (a text that
/// is not JSON: its digest).
pub fn data_shape(data: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(data) {
        Ok(v) => {
            let mut out = String::new();
            shape(&v, &mut out);
            out
        }
        Err(_) => leaf_digest(data),
    }
}

/// The link of `event` after the link whose hash is `previous`: SHA-256 (hex) of the previous
/// hash, a newline and the event's fields as one JSON array (a stable, unambiguous encoding), the
/// reason by its digest and the data by its shape (`data_shape`), so personal data can be erased
/// from a sealed event (`erased_leaf`) and the link still proves everything else.
pub fn link_hash(previous: &str, event: &SealedFields<'_>) -> String {
    let reason = event.reason.map(leaf_digest);
    hash_fields(previous, event, serde_json::json!(reason), serde_json::json!(data_shape(event.data)))
}

/// The link as chains sealed before erasure existed made it: reason and data as they are.
pub fn legacy_link_hash(previous: &str, event: &SealedFields<'_>) -> String {
    hash_fields(previous, event, serde_json::json!(event.reason), serde_json::json!(event.data))
}

fn hash_fields(
    previous: &str,
    event: &SealedFields<'_>,
    reason: serde_json::Value,
    data: serde_json::Value,
) -> String {
    let fields = serde_json::json!([
        event.id,
        event.tenant_id,
        event.merchant_id,
        event.subject_type,
        event.subject_id,
        event.kind,
        event.actor_kind,
        event.actor_id,
        reason,
        data,
        event.at,
    ]);
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(fields.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// Whether `hash` is the link of `event` after `previous` (in either way links were made).
pub fn proves(previous: &str, event: &SealedFields<'_>, hash: &str) -> bool {
    link_hash(previous, event) == hash || legacy_link_hash(previous, event) == hash
}

/// One link as stored, with its event as it is now (`None`: the event row is gone).
#[derive(Clone, Debug)]
pub struct Link<'a> {
    pub seq: i64,
    pub event_id: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
    pub event: Option<SealedFields<'a>>,
}

/// Where the chain is broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// The event's fields are not what was sealed: it was changed.
    Changed { seq: i64, event_id: String },
    /// The sealed event is no longer there: it was deleted.
    Missing { seq: i64, event_id: String },
    /// Links are missing between these two: removed.
    Gap { after: i64, next: i64 },
    /// The link does not follow the one before (rewritten or reordered).
    Unlinked { seq: i64, event_id: String },
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Changed { seq, event_id } => {
                write!(f, "link {seq}: event {event_id} was changed after it was sealed")
            }
            Self::Missing { seq, event_id } => write!(f, "link {seq}: event {event_id} was deleted"),
            Self::Gap { after, next } => write!(f, "links {} to {} are missing", after + 1, next - 1),
            Self::Unlinked { seq, event_id } => {
                write!(f, "link {seq} (event {event_id}) does not follow the link before it")
            }
        }
    }
}

/// Checks `links` (ascending by `seq`) following `before`, the last link checked (`None`: the
/// chain's start, before link 1); the breaks in order, and the last link as the next page's
/// `before`.
pub fn check<'a>(
    before: Option<(i64, &'a str)>,
    links: &'a [Link<'a>],
) -> (Vec<Break>, Option<(i64, &'a str)>) {
    let mut breaks = Vec::new();
    let mut last = before;
    for l in links {
        let (expected_seq, expected_prev) = last.map_or((1, GENESIS), |(seq, hash)| (seq + 1, hash));
        if l.seq > expected_seq {
            breaks.push(Break::Gap { after: expected_seq - 1, next: l.seq });
        } else if l.prev_hash != expected_prev {
            breaks.push(Break::Unlinked { seq: l.seq, event_id: l.event_id.to_string() });
        }
        match &l.event {
            None => breaks.push(Break::Missing { seq: l.seq, event_id: l.event_id.to_string() }),
            Some(e) if e.id != l.event_id || !proves(l.prev_hash, e, l.hash) => {
                breaks.push(Break::Changed { seq: l.seq, event_id: l.event_id.to_string() })
            }
            Some(_) => {}
        }
        last = Some((l.seq, l.hash));
    }
    (breaks, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 5] = ["e1", "e2", "e3", "e4", "e5"];

    fn event(id: &'static str, data: &'static str) -> SealedFields<'static> {
        SealedFields {
            id,
            tenant_id: "t1",
            merchant_id: Some("m1"),
            subject_type: "order",
            subject_id: "o1",
            kind: "order_created",
            actor_kind: "user",
            actor_id: Some("u1"),
            reason: None,
            data,
            at: 1_700_000_000_000,
        }
    }

    /// A sound chain of `n` links.
    fn chain(n: i64) -> Vec<(i64, String, String, String, SealedFields<'static>)> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let e = event(IDS[seq as usize - 1], "{}");
                let hash = link_hash(&prev, &e);
                let row = (seq, e.id.to_string(), prev.clone(), hash.clone(), e);
                prev = hash;
                row
            })
            .collect()
    }

    fn links<'a>(rows: &'a [(i64, String, String, String, SealedFields<'static>)]) -> Vec<Link<'a>> {
        rows.iter()
            .map(|(seq, id, prev, hash, e)| Link {
                seq: *seq,
                event_id: id,
                prev_hash: prev,
                hash,
                event: Some(e.clone()),
            })
            .collect()
    }

    #[test]
    fn the_hash_covers_every_field_and_the_link_before() {
        let base = event("e1", "{}");
        let h = link_hash(GENESIS, &base);
        assert_eq!(h.len(), 64);
        assert_eq!(h, link_hash(GENESIS, &base.clone()), "stable");
        let variants = [
            SealedFields { tenant_id: "t2", ..base.clone() },
            SealedFields { merchant_id: None, ..base.clone() },
            SealedFields { subject_id: "o2", ..base.clone() },
            SealedFields { kind: "order_cancelled", ..base.clone() },
            SealedFields { actor_id: Some("u2"), ..base.clone() },
            SealedFields { reason: Some("x"), ..base.clone() },
            SealedFields { data: "{\"a\":1}", ..base.clone() },
            SealedFields { at: 1, ..base.clone() },
        ];
        for v in &variants {
            assert_ne!(link_hash(GENESIS, v), h, "{v:?}");
        }
        assert_ne!(link_hash(&h, &base), h, "the previous hash counts");
        // A field's text cannot be moved into its neighbour to give the same hash.
        let a = SealedFields { subject_type: "order", subject_id: "o1", ..base.clone() };
        let b = SealedFields { subject_type: "ordero", subject_id: "1", ..base.clone() };
        assert_ne!(link_hash(GENESIS, &a), link_hash(GENESIS, &b));
    }

    #[test]
    fn each_kind_of_tampering_is_named_where_it_happened() {
        let rows = chain(5);
        let sound = links(&rows);
        assert_eq!(check(None, &sound).0, vec![]);
        // Checked page by page, the same.
        let (first, last) = check(None, &sound[..2]);
        assert!(first.is_empty());
        assert_eq!(check(last, &sound[2..]).0, vec![]);

        let mut changed = links(&rows);
        changed[2].event = Some(SealedFields { data: "{\"paid\":0}", ..rows[2].4.clone() });
        assert_eq!(check(None, &changed).0, vec![Break::Changed { seq: 3, event_id: "e3".into() }]);

        let mut deleted = links(&rows);
        deleted[3].event = None;
        assert_eq!(check(None, &deleted).0, vec![Break::Missing { seq: 4, event_id: "e4".into() }]);

        let mut removed = links(&rows);
        removed.remove(1);
        assert_eq!(check(None, &removed).0, vec![Break::Gap { after: 1, next: 3 }]);

        let mut swapped = links(&rows);
        swapped[1].prev_hash = GENESIS;
        let (breaks, _) = check(None, &swapped);
        assert_eq!(breaks[0], Break::Unlinked { seq: 2, event_id: "e2".into() });
        assert_eq!(breaks[1], Break::Changed { seq: 2, event_id: "e2".into() }, "its hash no longer fits");

        let mut late_start = links(&rows);
        late_start.remove(0);
        assert_eq!(
            check(None, &late_start).0,
            vec![Break::Gap { after: 0, next: 2 }],
            "the first link is gone"
        );
        assert_eq!(Break::Gap { after: 1, next: 3 }.to_string(), "links 2 to 2 are missing", "said in words");
    }

    #[test]
    fn an_erased_string_keeps_its_link_and_nothing_else_can_change_unnoticed() {
        let rows = chain(3);
        let sealed = r#"{"name":"Zoë","line1":"7 Secret Lane","granted_minor":100000}"#;
        let base = SealedFields { data: sealed, reason: Some("buyer Zoë called"), ..rows[1].4.clone() };
        let hash = link_hash(GENESIS, &base);
        let erased_data = format!(
            r#"{{"granted_minor":100000,"line1":"{}","name":"{}"}}"#,
            erased_leaf("7 Secret Lane"),
            erased_leaf("Zoë")
        );
        let erased_reason = erased_leaf("buyer Zoë called");
        let erased = SealedFields { data: &erased_data, reason: Some(&erased_reason), ..base.clone() };
        assert!(proves(GENESIS, &erased, &hash), "strings erased, keys reordered: the same link");
        let changed = erased_data.replace("100000", "1");
        assert!(
            !proves(GENESIS, &SealedFields { data: &changed, ..erased.clone() }, &hash),
            "a number changed"
        );
        let other = format!(
            r#"{{"granted_minor":100000,"line1":"{}","name":"Mallory"}}"#,
            erased_leaf("7 Secret Lane")
        );
        assert!(
            !proves(GENESIS, &SealedFields { data: &other, ..erased.clone() }, &hash),
            "a string changed"
        );
        let forged = format!(
            r#"{{"granted_minor":100000,"line1":"{}","name":"{}"}}"#,
            erased_leaf("7 Secret Lane"),
            erased_leaf("Mallory")
        );
        assert!(
            !proves(GENESIS, &SealedFields { data: &forged, ..erased.clone() }, &hash),
            "an erasure of something else"
        );
        assert!(
            !proves(GENESIS, &SealedFields { kind: "order_cancelled", ..erased.clone() }, &hash),
            "its kind"
        );
        // Links made before erasure existed still prove their events.
        assert!(proves(GENESIS, &base, &legacy_link_hash(GENESIS, &base)));
        assert_ne!(legacy_link_hash(GENESIS, &base), hash);
    }
}
