"""The Dagster code location: thin wiring around pipeline/ (see definitions.py)."""
