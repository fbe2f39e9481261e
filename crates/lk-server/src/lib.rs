//! LKA server: the subscriber personal account's JSON API, the SPA host and the `lk` CLI.
#![forbid(unsafe_code)]

pub mod access;
pub mod accounts;
pub mod auth;
pub mod cli;
pub mod client;
pub mod compress;
pub mod config;
pub mod db;
pub mod dev;
pub mod error;
pub mod extract;
pub mod fields;
pub mod houses;
pub mod idempotency;
pub mod mail;
pub mod meters;
pub mod metrics;
pub mod openapi;
pub mod operations;
pub mod ops;
pub mod payments;
pub mod present;
pub mod profile;
pub mod public;
pub mod readings;
pub mod receipts;
pub mod requests;
pub mod responses;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod throttle;
pub mod web;
