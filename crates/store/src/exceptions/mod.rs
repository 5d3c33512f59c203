//! Exceptions' tables (EXC-1, SHP-6): exception cases and the lane rules that open them.

pub mod cases;
pub mod lane_rules;
pub mod report;
