//! API integration tests: the real app on port 0, a fresh database per test, every test on
//! SQLite and on PostgreSQL (see `helpers::backend_tests!`).

mod helpers;

mod auth;
mod billing;
mod cli;
mod content;
mod deploy;
mod errors;
mod export;
mod family;
mod guest;
mod hostile;
mod import;
mod input;
mod insights;
mod integration;
mod language;
mod next_steps;
mod ops;
mod payments;
mod profile;
mod receipts;
mod registry;
mod reminders;
mod requests;
mod schema;
mod serve;
mod sessions;
mod smtp;
mod staff;
mod store;
mod two_factor;
mod yookassa;
