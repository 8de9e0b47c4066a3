"""Shared asset plumbing: one blocking contract check per output, generated from schemas/."""
import time

import polars as pl
from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, MetadataValue, Output

from assets.metadata import frame_metadata, table_preview
from schemas import MODELS, contract_failures

CONTRACT = "contract"


def contract_specs(*outputs: str, models: dict[str, str] | None = None) -> list[AssetCheckSpec]:
    """A blocking check per output, described by its pandera model: the data contract lives in schemas/."""
    models = models or {}
    return [AssetCheckSpec(CONTRACT, asset=out, blocking=True,
                           description=f"Every row satisfies schemas.{MODELS[models.get(out, out)].__name__} "
                                       "(types, nulls, ranges, uniqueness).")
            for out in outputs]


def validated_output(name: str, df: pl.DataFrame, started: float, output_name: str | None = None,
                     model: str | None = None, **extra):
    """Yields the output and its contract check; a failing check stops everything downstream."""
    output_name = output_name or name
    asset_key = name if output_name == "result" else output_name
    failures = contract_failures(model or name, df)
    metadata = frame_metadata(model or name, df) | {
        "elapsed_s": MetadataValue.float(round(time.perf_counter() - started, 3))}
    yield Output(df, output_name=output_name, metadata=metadata | extra)
    yield contract_result(asset_key, failures, df.height)


def contract_result(asset_key: str, failures: pl.DataFrame | None, rows: int) -> AssetCheckResult:
    if failures is None:
        return AssetCheckResult(check_name=CONTRACT, asset_key=asset_key, passed=True,
                                metadata={"rows_checked": MetadataValue.int(rows)})
    by_check = failures.group_by("column", "check").len().sort("len", descending=True)
    sample = failures.select("column", "check", "failure_case", "index").head(20)
    return AssetCheckResult(
        check_name=CONTRACT, asset_key=asset_key, passed=False, severity=AssetCheckSeverity.ERROR,
        metadata={"rows_checked": MetadataValue.int(rows), "failures": MetadataValue.int(failures.height),
                  "failures_by_check": table_preview(by_check, {}, rows=50),
                  "failing_rows_sample": table_preview(sample, {}, rows=20)})


def rejections_as_quarantine(rejected: pl.DataFrame, document_sources: pl.DataFrame,
                             raw_documents: pl.DataFrame) -> pl.DataFrame:
    """A later stage's rejected documents (doc_id, reason, detail) as quarantine rows, one per input that carried
    the document."""
    return (rejected.join(document_sources, on="doc_id")
            .join(raw_documents.select("doc_id", "size_bytes"), on="doc_id")
            .select(pl.col("input_uri").alias("source_uri"), "batch_id", "reason", "detail", "size_bytes",
                    pl.lit(None, pl.String).alias("sha256"), "seen_at"))
