//! LKA server: the subscriber personal account's JSON API, the SPA host and the `lk` CLI.
#![forbid(unsafe_code)]

// The message catalogue of e-mails and receipts (see `i18n`).
rust_i18n::i18n!("locales", fallback = "ru");

pub mod access;
pub mod accounts;
pub mod auth;
pub mod billing;
pub mod billing_export;
pub mod cli;
pub mod client;
pub mod compress;
pub mod config;
pub mod content;
pub mod db;
pub mod dev;
pub mod error;
pub mod export;
pub mod extract;
pub mod fields;
pub mod houses;
pub mod i18n;
pub mod idempotency;
pub mod import;
pub mod insights;
pub mod integration;
pub mod mail;
pub mod meters;
pub mod metrics;
pub mod openapi;
pub mod operations;
pub mod ops;
pub mod payments;
pub mod pdf;
pub mod present;
pub mod profile;
pub mod progress;
pub mod public;
pub mod readings;
pub mod receipts;
pub mod registry_items;
pub mod reminder_settings;
pub mod reminders;
pub mod requests;
pub mod responses;
pub mod routes;
pub mod seed;
pub mod seed_content;
pub mod sessions;
pub mod site;
pub mod staff;
pub mod startup;
pub mod state;
pub mod statement_pdf;
pub mod telemetry;
pub mod throttle;
pub mod web;
