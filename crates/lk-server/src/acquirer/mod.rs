//! The acquirers that take the card payments (F6): what the portal needs of one (create a
//! payment, read its status back, check a notification), the development sandbox, and YooKassa.
//! Shared by the payment endpoints and the background re-check; not a resource itself.

pub mod provider;
pub mod yookassa;
