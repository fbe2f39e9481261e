//! LKA server: the subscriber personal account's JSON API, the SPA host and the `lk` CLI.
#![forbid(unsafe_code)]

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod dev;
pub mod error;
pub mod mail;
pub mod openapi;
pub mod ops;
pub mod profile;
pub mod public;
pub mod seed;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
