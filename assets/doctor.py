"""`webfacts doctor`: the environment and the warehouse checked, each problem with what to do about it.

Read-only: it reports and changes nothing (the next `webfacts run` repairs what it can by itself, and says so).
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from assets.preflight import (inbox_problem, module_installed, pending_migration, spacy_model_problem,
                              warehouse_problems)
from pipeline.config import DEFAULT_SPACY_MODELS, command_settings


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""  # what to do, when not ok

    def line(self) -> str:
        return f"  ok   {self.what}" if self.ok else f"  FIX  {self.what}: {self.fix}"


def doctor(inbox: str | None, warehouse: str | None) -> int:
    """Print one line per check; 1 when something needs fixing."""
    from assets.runner import ensure_dagster_home
    from warehouse.store import Warehouse

    env = command_settings(inbox, warehouse)
    inbox_path = Path(env.inbox)
    store = Warehouse.from_settings(env)
    findings = environment_findings(env, inbox_path, ensure_dagster_home()) + warehouse_findings(store,
                                                                                                 env.batch_ledger)
    print(f"webfacts doctor: inbox {inbox_path}, warehouse {store}")
    print("\n".join(f.line() for f in findings))
    broken = [f for f in findings if not f.ok]
    print(f"webfacts doctor: {len(broken)} thing(s) to fix" if broken else "webfacts doctor: all good")
    return 1 if broken else 0


def environment_findings(env, inbox: Path, dagster_home: Path) -> list[Finding]:
    model = env.spacy_model or next((m for m in DEFAULT_SPACY_MODELS if module_installed(m)), None)
    model_problem = spacy_model_problem(env.spacy_model)
    findings = [Finding(not model_problem, f"spaCy model {model or env.spacy_model or '(none)'}",
                        model_problem or ""),
                public_suffix_finding(),
                Finding(os.access(dagster_home, os.W_OK), f"DAGSTER_HOME {dagster_home} is writable",
                        "set DAGSTER_HOME to a folder you can write")]
    if problem := inbox_problem(inbox):
        return findings + [Finding(False, f"inbox {inbox}", problem)]
    from pipeline.batches import scan_inbox
    files = len(scan_inbox(inbox))
    return findings + [Finding(files > 0, f"inbox holds {files} file(s)",
                               "the inbox is empty: add HTML, text, JSON Lines, WARC or .urls files")]


def public_suffix_finding() -> Finding:
    from pipeline.domains import registered_domain
    works = registered_domain("https://news.bbc.co.uk/") == "bbc.co.uk"
    return Finding(works, "public-suffix list (bundled with tldextract, never downloaded)",
                   "reinstall tldextract (make install)")


def warehouse_findings(store, ledger: str) -> list[Finding]:
    problems = warehouse_problems(store, ledger)
    if problems:
        return [Finding(False, f"warehouse {store}", p) for p in problems]
    if not store.exists():
        return [Finding(True, f"warehouse {store} does not exist yet: `webfacts run` creates it")]
    if added := pending_migration(store):  # the integrity checks are written for the current schema
        return ([Finding(True, f"warehouse built by an older webfacts: its next publish migrates it (adds "
                               f"{', '.join(added)})"), ledger_finding(store.ledger(ledger))]
                + leftover_findings(store.local_file))
    return ([integrity_finding(store), ledger_finding(store.ledger(ledger))]
            + leftover_findings(store.local_file))


def integrity_finding(store) -> Finding:
    from warehouse.integrity import integrity_report
    broken = {name: len(rows) for name, rows in integrity_report(store).items() if rows}
    return Finding(not broken, "warehouse integrity checks pass",
                   f"violations {broken}: rebuild the warehouse (move it aside, then `webfacts run`)")


def ledger_finding(ledger: Path) -> Finding:
    from pipeline.batches import pending_batches
    if not ledger.exists():
        return Finding(False, f"batch ledger {ledger}", "missing: the next `webfacts run` registers every inbox "
                                                        "file again and publishes it without duplicating rows")
    try:
        with closing(sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)) as con:
            healthy = con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        pending = pending_batches(ledger) if healthy else []
    except sqlite3.DatabaseError as exc:
        healthy, pending = False, [str(exc)]
    if not healthy:
        return Finding(False, f"batch ledger {ledger}", "corrupted: move it aside and run `webfacts run`")
    return Finding(not pending, f"batch ledger: {len(pending)} batch(es) pending",
                   "registered but not published: `webfacts run` publishes them")


def leftover_findings(local_file: Path | None) -> list[Finding]:
    """A publish lock nobody holds, builds of publishers that died: harmless (the next publish takes over or
    removes them), but worth knowing about."""
    from warehouse.publish import held_by_another

    if local_file is None:
        return []
    lock = Path(f"{local_file}.lock")
    stale_lock = lock.exists() and not held_by_another(lock, fcntl.flock)
    builds = [p.name for p in local_file.parent.glob(f"{local_file.name}.tmp-*")]
    return [Finding(not stale_lock, "publish lock" + ("" if stale_lock else ": none left behind"),
                    f"{lock} is held by no process: remove it (the next publish would take it over anyway)"),
            Finding(not builds, "half-built warehouse files" + ("" if builds else ": none"),
                    f"{', '.join(builds)} left by a publish that died: the next publish removes them")]
