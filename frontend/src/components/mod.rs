pub mod form;
pub mod icons;
pub mod layout;
pub mod modal;
pub mod period;
