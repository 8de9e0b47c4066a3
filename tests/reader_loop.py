"""Analyst stand-in for test_concurrency: queries the warehouse until told to stop, reports JSON."""
import json
import sys
import time
from pathlib import Path

import duckdb

SNAPSHOT = """SELECT (SELECT count(*) FROM facts), (SELECT count(*) FROM fact_evidence),
                     (SELECT count(*) FROM documents), (SELECT count(*) FROM document_sources),
                     (SELECT count(*) FROM fact_evidence WHERE fact_id NOT IN (SELECT fact_id FROM facts)),
                     (SELECT count(*) FROM facts f WHERE n_documents <> (SELECT count(DISTINCT doc_id)
                              FROM claims c WHERE c.fact_id = f.fact_id))"""


def main(path: str, stop_file: str) -> None:
    held = duckdb.connect(path, read_only=True)
    results = {"held": [], "fresh": [], "errors": []}
    while not Path(stop_file).exists():
        for kind in ("held", "fresh"):
            try:
                if kind == "held":
                    row = held.execute(SNAPSHOT).fetchone()
                else:
                    with duckdb.connect(path, read_only=True) as con:
                        row = con.execute(SNAPSHOT).fetchone()
                results[kind].append(list(row))
            except Exception as exc:  # noqa: BLE001 - every failure is the finding
                results["errors"].append(f"{kind}: {type(exc).__name__}: {exc}")
        time.sleep(0.01)
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
