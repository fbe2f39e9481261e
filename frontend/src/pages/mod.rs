//! The pages, one module per screen (or group of screens). A page never imports another page:
//! what two of them show lives in `components/`.

pub mod auth;
pub mod guest;
pub mod home;
pub mod house;
pub mod info;
pub mod invitation;
pub mod payment;
pub mod profile;
pub mod unsubscribe;
