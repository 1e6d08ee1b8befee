//! Polish full-text search over the innohub catalogue.
