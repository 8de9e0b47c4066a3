"""The warehouse: its tables (tables.py, generated from the models in schemas/), the SQL of its derived tables and
views (derived.sql, views.sql), where it lives (store.py: a DuckDB file or a DuckLake catalog) and publishing
(publish.py)."""
