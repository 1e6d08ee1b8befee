//! Benchmarks of the innohub api against raw-driver baselines.
