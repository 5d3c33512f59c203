//! Adapters to the outside world. So far: password hashing (Argon2id) and random secrets from the
//! operating system. Sales channels, carriers, payment refunds and mail delivery join here.

pub mod passwords;
pub mod pdf;
pub mod secrets;
