//! What signing in rests on, shared by the resources that need it (not a resource itself):
//! password hashing on its bounded pool, access and refresh tokens and the one-way digests
//! stored in their place, a browser's device cookie, and the keyed tokens of unsubscribe links.

pub mod device;
pub mod password;
pub mod tokens;
pub mod unsubscribe;
