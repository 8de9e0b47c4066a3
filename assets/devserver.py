"""`make dev`: the Dagster UI through `dg dev`, stopped within seconds on Ctrl-C or SIGTERM.

dg dev runs in its own process group, so a signal reaches it once, from here, as the Ctrl-C it shuts down cleanly
on (its webserver, daemon and code server stop in 5-8 s). A part still running GRACE_S seconds later is killed: a
SIGTERM used to take 45 s and a SIGKILL. Killing only make (its parent) stops it too.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_S = 8.0
POLL_S = 0.2
BIN = Path(sys.executable).parent


def dg_dev(args: list[str]) -> subprocess.Popen:
    # dg runs the project in this virtual environment (and warns unless it is the active one)
    env = dict(os.environ, VIRTUAL_ENV=str(BIN.parent), PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.Popen([str(BIN / "dg"), "dev", *args], env=env, start_new_session=True)


def stop(server: subprocess.Popen) -> int:
    """Ask the server's group to shut down as Ctrl-C does; kill what is left after GRACE_S."""
    try:
        os.killpg(server.pid, signal.SIGINT)
    except ProcessLookupError:
        return server.wait()
    deadline = time.monotonic() + GRACE_S
    while time.monotonic() < deadline and group_alive(server.pid):
        server.poll()
        time.sleep(POLL_S)
    if group_alive(server.pid):
        print(f"dev: Dagster did not stop within {GRACE_S:g} s: killing what is left", file=sys.stderr, flush=True)
        os.killpg(server.pid, signal.SIGKILL)
    return server.wait()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def main(args: list[str]) -> int:
    asked: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda number, frame: asked.append(number))
    parent = os.getppid()
    server = dg_dev(args)
    while not asked and server.poll() is None and os.getppid() == parent:  # make killed alone: stop as well
        time.sleep(POLL_S)
    if server.returncode is not None and not asked:
        return server.returncode
    stop(server)
    print("dev: Dagster stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
