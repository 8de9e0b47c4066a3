"""The batch ledger on both backends: a SQLite file beside the warehouse, or the PostgreSQL catalog's database.

Registrars race when the sensor ticks while `webfacts run` scans, or when two worker hosts scan one inbox: the
same new files must become one set of batches whoever gets there first.
"""
from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

import pytest

from pipeline.batches import (PostgresLedger, as_ledger, batch_created_at, batch_files, batch_inbox, connect,
                              mark_published, pending_batches, register_batches)
from tests.racing import run_at_once
from tests.test_ducklake import postgres_catalog  # noqa: F401  (the private PostgreSQL server fixture)

REGISTRARS = 2
ROUNDS = 4  # new files arrive four times; each time both registrars scan at the same moment
# Enough files that scanning them takes a while: with the read of the known files outside the write lock (before
# this test), two of four rounds failed here (`UNIQUE constraint failed: batches.batch_id`).
FILES_PER_ARRIVAL = 300


def _register_when_released(ledger, inbox: str, barrier, results) -> None:
    barrier.wait(timeout=60)
    results.put(register_batches(as_ledger(ledger), Path(inbox), max_files=FILES_PER_ARRIVAL // 3))


def race(ledger, inbox: Path) -> list[list[str]]:
    """What each of two registrar processes, released at once, registered from the same inbox."""
    return run_at_once(_register_when_released, [(ledger, str(inbox))] * REGISTRARS, timeout=120)


def ledger_rows(ledger) -> tuple[list, list]:
    with closing(connect(ledger)) as con:
        batches = con.execute("SELECT batch_id, n_files FROM batches ORDER BY batch_id").fetchall()
        files = con.execute("SELECT path, batch_id FROM files ORDER BY path").fetchall()
    return batches, files


def assert_one_batch_per_arrival(ledger, inbox: Path) -> None:
    registered: list[str] = []
    for round_ in range(ROUNDS):
        for i in range(FILES_PER_ARRIVAL):  # three batches' worth
            (inbox / f"round{round_}-{i:03d}.txt").write_text(f"Page {i} of arrival {round_}. " * 20)
        found = race(ledger, inbox)
        winners = [f for f in found if f]
        assert len(winners) == 1, found  # the other registrar found every file known
        assert len(winners[0]) == 3
        registered += winners[0]
        batches, files = ledger_rows(ledger)
        assert sorted(b for b, _ in batches) == sorted(registered)  # no batch twice, no second batch id
        assert len(files) == FILES_PER_ARRIVAL * (round_ + 1) and {b for _, b in files} == set(registered)
    assert pending_batches(ledger) == sorted(registered, key=lambda b: (batch_created_at(ledger, b), b))


def test_two_registrars_racing_on_a_sqlite_ledger_make_one_batch(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert_one_batch_per_arrival(tmp_path / "w.duckdb.batches.sqlite", inbox)


@pytest.fixture(scope="module")
def postgres_ledger(postgres_catalog) -> PostgresLedger:  # noqa: F811
    return PostgresLedger(postgres_catalog.removeprefix("ducklake:postgres:"))


def test_two_registrars_racing_on_a_postgres_ledger_make_one_batch(postgres_ledger, tmp_path):
    ledger = PostgresLedger(postgres_ledger.conninfo, schema="race_test")  # its own schema: an empty ledger
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert_one_batch_per_arrival(ledger, inbox)


def test_a_postgres_ledger_answers_like_the_sqlite_file(postgres_ledger, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    name = os.fsdecode(b"caf\xe9-\xff.txt")  # not UTF-8: kept as bytes, as the SQLite ledger keeps it
    (inbox / name).write_text("A page whose file name is not UTF-8.")
    (inbox / "plain.txt").write_text("A plain page.")
    answers = {}
    for kind, ledger in (("sqlite", tmp_path / "ledger.sqlite"),
                         ("postgres", PostgresLedger(postgres_ledger.conninfo, schema="answers_test"))):
        [batch] = register_batches(ledger, inbox)
        assert register_batches(ledger, inbox) == []  # known on the next scan
        answers[kind] = ([p.name for p in batch_files(ledger, batch)], batch_inbox(ledger, batch),
                         pending_batches(ledger) == [batch])
        mark_published(ledger, batch)
        assert pending_batches(ledger) == []
        with pytest.raises(KeyError, match="not in the ledger"):
            batch_files(ledger, "no-such-batch")
    assert answers["postgres"] == answers["sqlite"]
    assert [os.fsencode(n) for n in answers["postgres"][0]] == [b"plain.txt", b"caf\xe9-\xff.txt"]  # lossless


def test_the_ledger_setting_forms(tmp_path, monkeypatch):
    from assets.resources import WebfactsSettings
    monkeypatch.chdir(tmp_path)
    catalog = "ducklake:postgres:dbname=webfacts host=pg.internal user=webfacts"
    assert WebfactsSettings.from_env(warehouse=catalog).ledger == \
        PostgresLedger("dbname=webfacts host=pg.internal user=webfacts")  # the catalog's own database
    from pipeline.config import settings_from_env
    explicit = settings_from_env({"WEBFACTS_LEDGER": "postgres:dbname=ledgers host=pg2"}).batch_ledger
    assert as_ledger(explicit) == PostgresLedger("dbname=ledgers host=pg2")
    relative = settings_from_env({"WEBFACTS_LEDGER": "b.sqlite"}).batch_ledger
    assert as_ledger(relative) == tmp_path / "b.sqlite"


def test_an_unreachable_postgres_ledger_is_one_error_naming_it():
    from pipeline.batches import LedgerError
    with pytest.raises(LedgerError, match="cannot reach the batch ledger postgres:host=127.0.0.1 port=1"):
        pending_batches(PostgresLedger("host=127.0.0.1 port=1 connect_timeout=2"))
