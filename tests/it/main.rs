//! The integration tests, in one binary (one link instead of one per file): each module is what was a test
//! file of its own. Run one module with `cargo test --test it MODULE::` (e.g. `cargo test --test it registry::`).

mod common;

mod abandonment;
mod advice;
mod analysis;
mod architecture;
mod audit;
mod calibrate;
mod cli;
mod compliance;
mod desk;
mod exclude;
mod figures;
mod frame;
mod frontier;
mod fuzz;
mod generate;
mod hostile;
mod input;
mod jobs;
mod jobs_admin;
mod jobs_grid;
mod keys;
mod law;
mod limits;
mod lists;
mod memory;
mod oracle;
mod output;
mod pacers;
mod permute;
mod plans;
mod population;
mod progress;
mod readme;
mod realism;
mod refusals;
mod registry;
mod report;
mod simulate;
mod surface;
mod time;
mod twostage;
mod workflows;
