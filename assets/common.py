"""Shared asset plumbing: validate a frame against its model and attach metadata."""
import time

import polars as pl
from dagster import MetadataValue, Output

from assets.metadata import frame_metadata
from schemas import validate_frame


def validated_output(name: str, df: pl.DataFrame, started: float, output_name: str | None = None,
                     **extra) -> Output:
    """Fails the step (naming the failing rows) when `df` breaks the `name` contract."""
    checked = validate_frame(name, df)
    metadata = frame_metadata(name, checked) | {
        "elapsed_s": MetadataValue.float(round(time.perf_counter() - started, 3))}
    return Output(checked, output_name=output_name or name, metadata=metadata | extra)
