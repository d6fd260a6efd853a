"""Bundled rule-set parameter files (one TOML file per rule set)."""
