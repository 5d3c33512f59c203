//! The test harness: the real app on 127.0.0.1 with a random port against a fresh SQLite file
//! or a fresh PostgreSQL database, a throwaway PostgreSQL server started from the system's
//! binaries, headless Chromium through chromium-driver, and builders for realistic data.
//!
//! When PostgreSQL or Chromium is missing, tests say so and skip; with `TRADEPORT_REQUIRE_PG=1`
//! or `TRADEPORT_REQUIRE_BROWSER=1` a skip is a failure instead.

pub mod alipay;
mod app;
mod browser;
mod catalog;
pub mod ebay;
mod ebay_sell;
pub mod paypal;
mod pg;
mod seed;
pub mod shops;
mod smtp;
pub mod spapi;
mod twilio;
mod whatsapp;

pub use alipay::AlipayFake;
pub use app::{DbKind, TEST_SECRETS_KEY, TestApp};
pub use browser::Browser;
pub use catalog::{Catalog, lamp_order};
pub use ebay::{EbayAnswer, EbayFake, EbayQuestion};
pub use paypal::PaypalFake;
pub use seed::Seeded;
pub use shops::ShopFake;
pub use smtp::{Received, SmtpSink};
pub use spapi::SpApiFake;
pub use twilio::{SmsReceived, TwilioFake};
pub use whatsapp::{ChatSent, WhatsAppFake};

/// Declares each listed `async fn name(app: TestApp)` as two tests, `sqlite::name` and
/// `postgres::name`, each on its own fresh database. The PostgreSQL ones are ignored (and counted
/// as such) where the using crate's build script set `cfg(tradeport_no_pg)`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = $crate::TestApp::spawn($crate::DbKind::Sqlite).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(tradeport_no_pg, ignore = "PostgreSQL is not installed")]
                async fn $name() {
                    if let Some(app) = $crate::TestApp::spawn($crate::DbKind::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

/// Whether the environment variable `name` is set to 1 or true.
pub(crate) fn required(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Reports a skipped test, or fails it when `require_var` demands the component.
pub(crate) fn skip_or_fail(what: &str, why: &str, require_var: &str) {
    if required(require_var) {
        panic!("{what} is required ({require_var}=1) but unavailable: {why}");
    }
    eprintln!("SKIPPED: {what} unavailable ({why}); set {require_var}=1 to make this a failure");
}
