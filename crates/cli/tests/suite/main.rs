//! Tradeport's integration tests: the real app on a random port, each test on a fresh SQLite
//! file and again on a fresh PostgreSQL database (see `tradeport_testkit::db_tests!`).

mod access_api;
mod browser;
mod buyer_messages;
mod calendars;
mod carrier_labels;
mod cases;
mod cli;
mod concurrency;
mod customs;
mod demo;
mod errors;
mod exceptions;
mod follow_up;
mod group_commit;
mod health;
mod helpers;
mod ids;
mod interleaving;
mod inventory;
mod jobs;
mod lists;
mod login;
mod notifications;
mod openapi;
mod orders;
mod refunds;
mod schema;
mod security;
mod shipments;
mod shipping;
mod sla;
mod ui_orders;
mod ui_warehouse;
mod unit_of_work;
mod warehouse;
