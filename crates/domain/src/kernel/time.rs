//! Instants are UTC milliseconds since the Unix epoch, the one representation stored and compared.

use serde::{Deserialize, Serialize};

/// An instant in UTC milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Millis(pub i64);

impl Millis {
    /// The instant `minutes` minutes before this one.
    pub fn minus_minutes(self, minutes: i64) -> Self {
        Self(self.0 - minutes * 60_000)
    }

    /// The instant `minutes` minutes after this one.
    pub fn plus_minutes(self, minutes: i64) -> Self {
        Self(self.0 + minutes * 60_000)
    }
}

/// Whether `name` is an IANA time zone known to the bundled database, e.g. `Asia/Shanghai`.
pub fn is_known_timezone(name: &str) -> bool {
    !name.is_empty() && jiff::tz::TimeZone::get(name).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_real_time_zones_only() {
        assert!(is_known_timezone("Asia/Shanghai"));
        assert!(is_known_timezone("Europe/London"));
        assert!(!is_known_timezone("Mars/Olympus_Mons"));
        assert!(!is_known_timezone(""));
    }
}
