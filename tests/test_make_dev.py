"""`make dev` starts the UI through dg without deprecation warnings and stops within 10 s on Ctrl-C or SIGTERM."""
import os
import signal
import subprocess
import time
import urllib.request

import psutil
import pytest

from tests.conftest import ROOT
from tests.test_ui_browser import free_port, wait_for

STOP_WITHIN_S = 10
WAYS_TO_STOP = {
    "ctrl-c": lambda make: os.killpg(make.pid, signal.SIGINT),  # the terminal signals the foreground group
    "sigterm to the group": lambda make: os.killpg(make.pid, signal.SIGTERM),  # a service manager
    "sigterm to make alone": lambda make: make.send_signal(signal.SIGTERM),  # kill <pid of make>
}


def _default_signals() -> None:
    """A terminal or service manager starts `make dev` with default signal handling; a signal an earlier test in
    this pytest process left ignored (the Celery test's worker machinery) would otherwise be inherited."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


@pytest.mark.parametrize("way", WAYS_TO_STOP)
def test_make_dev_starts_quietly_and_stops_within_10_s(way, tmp_path):
    port = free_port()
    log = tmp_path / "dev.log"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = dict(os.environ, DAGSTER_HOME=str(tmp_path / "home"), WEBFACTS_INBOX=str(inbox),
               WEBFACTS_WAREHOUSE=str(tmp_path / "w.duckdb"), PORT=str(port))
    make = subprocess.Popen(["make", "--no-print-directory", "dev"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT, preexec_fn=_default_signals)
    try:
        wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5).status == 200,
                 180, "the Dagster webserver")
        wait_for(lambda: "Sensor inbox_sensor skipped" in log.read_text(), 60, "the daemon's first sensor tick")
        processes = psutil.Process(make.pid).children(recursive=True)  # dg dev, webserver, daemon, code server
        assert len(processes) >= 4
        started = time.monotonic()
        WAYS_TO_STOP[way](make)
        gone, alive = psutil.wait_procs(processes, timeout=STOP_WITHIN_S)
        assert alive == [], f"still running {time.monotonic() - started:.1f} s after the signal: {alive}"
    finally:
        for process in psutil.Process(make.pid).children(recursive=True) if make.poll() is None else []:
            process.kill()
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
    startup = log.read_text()
    assert "dg dev" in startup or "assets.devserver" in startup
    for word in ("deprecat", "superseded", "WARNING", "Traceback"):
        assert word not in startup, startup
