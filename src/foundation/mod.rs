//! The foundation every other module stands on: the one error type, text made safe for its readers,
//! the integer mixer, simulated time, seeded streams, statistics, call outcomes, resource limits,
//! reading named inputs as hostile data, file digests, and the names nearest a mistyped one. It imports
//! nothing else of the crate.

pub(crate) mod clock;
pub(crate) mod digest;
pub(crate) mod error;
pub(crate) mod hash;
pub mod limits;
pub(crate) mod nearest;
pub mod open;
pub(crate) mod outcome;
pub mod rng;
pub mod stats;
pub mod text;
