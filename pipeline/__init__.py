"""Framework-free steps of webfacts: pure functions on polars frames (no Dagster)."""
