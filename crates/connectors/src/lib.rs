//! Adapters to the outside world: password hashing (Argon2id), random secrets from the operating
//! system, PDF documents, e-mail over SMTP, text messages, signed webhooks, labels bought through
//! EasyPost, refunds through Stripe. Sales channels join here.

pub mod blobs;
pub mod closed_days;
pub mod easypost;
pub mod mail;
pub mod passwords;
pub mod pdf;
pub mod secrets;
pub mod sms;
pub mod stripe;
pub mod webhooks;
