//! LKA server: the subscriber personal account's JSON API, the SPA host and the `lk` CLI.
#![forbid(unsafe_code)]

pub mod accounts;
pub mod auth;
pub mod cli;
pub mod client;
pub mod config;
pub mod db;
pub mod dev;
pub mod error;
pub mod extract;
pub mod houses;
pub mod idempotency;
pub mod mail;
pub mod meters;
pub mod openapi;
pub mod operations;
pub mod ops;
pub mod payments;
pub mod profile;
pub mod public;
pub mod readings;
pub mod receipts;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
