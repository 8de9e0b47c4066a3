"""The warehouse: its tables (tables.py, generated from the models in schemas/), the upkeep of its derived tables
(derived.py) and its views (views.sql), where it lives (store.py: a DuckDB file or a DuckLake catalog), publishing
(publish.py) and its integrity checks (integrity.py)."""
