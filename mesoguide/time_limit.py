"""Run a function in a child process, within a limit of processor time.

Python cannot stop a running function from outside: a thread can't be killed,
and a signal reaches only the main thread (runserver and threaded gunicorn
workers serve requests on others). A child process can be stopped. Each process
keeps one child, forked on first use (a few milliseconds, with the modules the
parent has loaded); pebble forks a new one whenever one is stopped. The child
only runs the functions given to it: it takes no lock the parent's other
threads may hold at the fork (logging's are reset by Python), and it leaves
with os._exit, so connections it inherited are never closed under the parent.
(A spawned interpreter instead would re-run the main script of whatever
process called it.) The round trip is lost in the noise: a small Markdown text
rendered through the child took 4-6 ms, in-process 8-10 ms (same run, busy machine).

The limit counts the child's processor time (ITIMER_PROF), not the clock, so a
busy machine doesn't refuse work it would take when idle; a clock limit of
WALL_FACTOR times as much stops a child that is stuck without computing.
"""

import atexit
import multiprocessing
import os
import signal
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

from pebble import ProcessExpired, ProcessPool

WALL_FACTOR = 5


class TimeLimitExceeded(Exception):
    """The function used up its time and was stopped."""


class ChildFailed(Exception):
    """The child process died (killed, out of memory, crashed) before answering."""


class _ProcessorTimeUp(Exception):
    pass


_lock = threading.Lock()
_pool = None
_pool_pid = None


def _pool_of_this_process(replace=False):
    global _pool, _pool_pid
    with _lock:
        if replace and _pool is not None and _pool_pid == os.getpid():
            _pool.stop()  # broken: pebble gives up on a pool whose idle child died
        if replace or _pool is None or _pool_pid != os.getpid() or not _pool.active:
            # A pool inherited through fork belongs to the parent: start our own.
            _pool = ProcessPool(max_workers=1, context=multiprocessing.get_context("fork"))
            _pool_pid = os.getpid()
        return _pool


@atexit.register
def _stop_child():
    if _pool is not None and _pool_pid == os.getpid():
        _pool.stop()
        _pool.join(timeout=5)


def _time_up(signum, frame):
    raise _ProcessorTimeUp


def _within_processor_time(function, args, seconds):
    """In the child: function(*args), interrupted after `seconds` of processor time."""
    signal.signal(signal.SIGPROF, _time_up)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def call_with_time_limit(function, *args, seconds):
    """function(*args), run in this process's child; its result or its exception.

    `function` must be importable by name (a module-level function) and its
    arguments and result picklable. Raises TimeLimitExceeded once it has used
    `seconds` of processor time (or WALL_FACTOR times that on the clock), and
    ChildFailed if the child died.
    """
    for attempt in (1, 2):
        future = _pool_of_this_process(replace=attempt == 2).schedule(
            _within_processor_time, args=(function, args, seconds), timeout=seconds * WALL_FACTOR
        )
        try:
            return future.result()
        except (_ProcessorTimeUp, FutureTimeout) as error:
            raise TimeLimitExceeded(f"stopped after {seconds:g} s") from error
        except ProcessExpired as error:
            raise ChildFailed(str(error)) from error
        except RecursionError:
            raise  # the function's own error, not the pool's
        except (BrokenProcessPool, RuntimeError) as error:
            # The child died while idle (killed from outside): once more on a new one.
            if attempt == 2:
                raise ChildFailed(str(error)) from error
