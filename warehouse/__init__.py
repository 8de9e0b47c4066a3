"""The DuckDB warehouse: its SQL contract (schema.sql, views.sql) and publishing."""
