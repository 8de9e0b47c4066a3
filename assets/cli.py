"""The `webfacts` command: its arguments, handed to the runner (assets/runner.py) or to the read-only commands
(assets/analyst.py, over warehouse/queries.py)."""
from __future__ import annotations

import argparse
import importlib.metadata
import sys

from assets.output import FORMATS

WAREHOUSE_HELP = "DuckDB file or ducklake:<catalog> (default: $WEBFACTS_WAREHOUSE or warehouse/webfacts.duckdb)"


def verbosity_options(default=None) -> argparse.ArgumentParser:
    """-v/-q, accepted before or after the command (`webfacts -q run`, `webfacts run -q`)."""
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_mutually_exclusive_group()
    group.add_argument("-v", "--verbose", action="store_const", const=2, dest="verbosity", default=default,
                       help="also show each step's log")
    group.add_argument("-q", "--quiet", action="store_const", const=0, dest="verbosity", default=default,
                       help="only errors and the command's result (no progress, no per-batch lines)")
    return common


def output_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", help=WAREHOUSE_HELP)
    common.add_argument("--format", choices=FORMATS, default="table",
                        help="a table for reading (default), or JSON / CSV for programs")
    return common


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="webfacts", description="Web documents to a fact warehouse.",
                                  parents=[verbosity_options(default=1)])
    top.add_argument("--version", action="version", version=f"webfacts {importlib.metadata.version('webfacts')}")
    sub = top.add_subparsers(dest="command", required=True)
    # SUPPRESS: an option given before the command is not reset by the subcommand's default
    common, shown = verbosity_options(default=argparse.SUPPRESS), output_options()
    run = sub.add_parser("run", parents=[common], help="materialize every new inbox batch into the warehouse")
    run.add_argument("--inbox", help="folder or file to read (default: $WEBFACTS_INBOX or data/sample)")
    run.add_argument("--warehouse", help=WAREHOUSE_HELP)
    facts = sub.add_parser("facts", parents=[common, shown], help="facts with their support and sources")
    facts.add_argument("--about", help="an entity's name (any case), else text the subject or object contains")
    facts.add_argument("--predicate", help="only this predicate (director, employer, ...)")
    facts.add_argument("--contested", action="store_true", help="only contested facts")
    facts.add_argument("--min-independent", type=int, default=0, metavar="N",
                       help="only facts at least N independent sources assert")
    entities = sub.add_parser("entities", parents=[common, shown], help="canonical entities, most documented first")
    entities.add_argument("--about", help="text the name contains, or one of its aliases")
    sub.add_parser("sources", parents=[common, shown], help="one row per source domain, with its corroboration")
    export = sub.add_parser("export", parents=[common], help="every table and view as Parquet files")
    export.add_argument("--parquet", required=True, metavar="DIR", help="folder to write <table>.parquet into")
    export.add_argument("--warehouse", help=WAREHOUSE_HELP)
    report = sub.add_parser("report", parents=[common], help="one self-contained HTML page on the warehouse")
    report.add_argument("--out", default="webfacts-report.html", metavar="FILE.html", help="where to write it")
    report.add_argument("--warehouse", help=WAREHOUSE_HELP)
    doctor = sub.add_parser("doctor", parents=[common], help="check the environment and the warehouse")
    doctor.add_argument("--inbox", help="the inbox to check (default: $WEBFACTS_INBOX or data/sample)")
    doctor.add_argument("--warehouse", help=WAREHOUSE_HELP)
    sub.add_parser("config", parents=[common],
                   help="print every setting's environment variable, effective value and meaning")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "config":
        from pipeline.config import describe, settings_from_env
        print(describe(settings_from_env()))
        return 0
    if args.command == "run":
        from assets.runner import run
        return run(args.inbox, args.warehouse, args.verbosity)
    if args.command == "doctor":
        from assets.doctor import doctor
        return doctor(args.inbox, args.warehouse)
    import duckdb

    try:
        return analyst_command(args)
    except (duckdb.BinderException, duckdb.CatalogException):
        # A query of the current schema on a warehouse an older webfacts built, before a publish migrated it.
        from assets.preflight import awaiting_migration, pending_migration
        from pipeline.config import command_settings
        from warehouse.store import Warehouse
        store = Warehouse.from_settings(command_settings(warehouse=args.warehouse))
        if not (added := pending_migration(store)):
            raise
        print(f"webfacts: {awaiting_migration(store, added)}", file=sys.stderr)
        return 2


def analyst_command(args) -> int:
    from assets import analyst
    if args.command == "facts":
        from warehouse.queries import FactFilter
        wanted = FactFilter(args.about, args.predicate, args.contested, args.min_independent)
        return analyst.facts(wanted, args.warehouse, args.format)
    if args.command == "entities":
        return analyst.entities(args.about, args.warehouse, args.format)
    if args.command == "sources":
        return analyst.sources(args.warehouse, args.format)
    if args.command == "export":
        return analyst.export_parquet(args.parquet, args.warehouse)
    return analyst.report(args.out, args.warehouse)


if __name__ == "__main__":
    sys.exit(main())
