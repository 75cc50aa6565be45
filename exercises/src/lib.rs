//! Self-checking exercises (see the README, "For students").
