from dagster import DynamicPartitionsDefinition

# One partition per arrival of new or changed inbox files (see pipeline/batches.py).
inbox_batches = DynamicPartitionsDefinition(name="inbox_batches")
