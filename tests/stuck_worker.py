"""A task for the worker pool that native code stuck in a loop would be: it ignores SIGALRM (so the per-document
time limit cannot interrupt it) and does not return for `seconds`. Its own small module, so that spawned workers
import only this."""
import signal
import time


def sleep_deaf_to_alarms(seconds: float) -> str:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        time.sleep(seconds)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    return f"slept {seconds}"
