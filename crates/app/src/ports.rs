//! Ports: what the use cases need from the outside world, as traits, so tests can supply their own.

use std::time::{SystemTime, UNIX_EPOCH};

use tradeport_domain::kernel::Millis;

/// The current time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Millis;
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        Millis(since.as_millis() as i64)
    }
}
