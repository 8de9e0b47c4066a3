"""The warehouse: its SQL contract (schema.sql, views.sql, derived.sql), where it lives (store.py: a DuckDB file or
a DuckLake catalog) and publishing (publish.py)."""
