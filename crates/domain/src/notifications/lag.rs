//! Notification lag (SLA-3): how long buyers waited between a change and the message telling
//! them of it. The requirement is one hour; the target is under a minute at the 99th percentile.

/// The longest a buyer may wait to hear of a change (SLA-3), in milliseconds.
pub const NOTIFY_WITHIN_MS: i64 = 60 * 60 * 1000;

/// Lags summarised: how many, the median, the 99th percentile and the worst (nearest-rank
/// percentiles, in milliseconds), and how many took longer than [`NOTIFY_WITHIN_MS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LagSummary {
    pub count: usize,
    pub p50_ms: i64,
    pub p99_ms: i64,
    pub max_ms: i64,
    pub over_limit: usize,
}

impl LagSummary {
    /// The summary of `lags` (negative ones, from clocks a little apart, count as 0); `None`
    /// when there are none.
    pub fn of(mut lags: Vec<i64>) -> Option<Self> {
        if lags.is_empty() {
            return None;
        }
        for l in &mut lags {
            *l = (*l).max(0);
        }
        lags.sort_unstable();
        let rank = |q: usize| lags[(lags.len() * q).div_ceil(100).max(1) - 1];
        Some(Self {
            count: lags.len(),
            p50_ms: rank(50),
            p99_ms: rank(99),
            max_ms: lags[lags.len() - 1],
            over_limit: lags.iter().filter(|l| **l > NOTIFY_WITHIN_MS).count(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(LagSummary::of(Vec::new()), None);
        let one = LagSummary::of(vec![1500]).unwrap();
        assert_eq!((one.count, one.p50_ms, one.p99_ms, one.max_ms, one.over_limit), (1, 1500, 1500, 1500, 0));
        let hundred: Vec<i64> = (1..=100).rev().map(|s| s * 1000).collect();
        let s = LagSummary::of(hundred).unwrap();
        assert_eq!((s.p50_ms, s.p99_ms, s.max_ms), (50_000, 99_000, 100_000));
        let mut late = vec![0; 98];
        late.extend([-20, NOTIFY_WITHIN_MS + 1, NOTIFY_WITHIN_MS]);
        let s = LagSummary::of(late).unwrap();
        assert_eq!(
            (s.count, s.p50_ms, s.p99_ms, s.over_limit),
            (101, 0, NOTIFY_WITHIN_MS, 1),
            "exactly an hour is in time"
        );
    }
}
