//! The ground floor: opening and writing files safely where someone else may have planted something,
//! and the names nnlab gives them. Every other module may use it; it uses nothing of nnlab's but
//! [`crate::cli`]'s one-line error.
pub mod names;
pub mod open;
pub mod write;
