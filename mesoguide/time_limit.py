"""Run a function in a child process that is stopped when it overruns a time limit.

Python cannot stop a running function from outside: a thread can't be killed,
and a signal reaches only the main thread (runserver and threaded gunicorn
workers serve requests on others). A child process can be stopped. Each process
keeps one child, forked on first use (a few milliseconds, with the modules the
parent has loaded), and pebble forks a new one when it is stopped. The child
only runs the functions given to it: it takes no lock the parent's other
threads may hold at the fork (logging's are reset by Python), and it leaves
with os._exit, so connections it inherited are never closed under the parent.
(A spawned interpreter instead would re-run the main script of whatever
process called it.) A call costs about a millisecond more than in-process.
"""

import atexit
import multiprocessing
import os
import threading
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool


class TimeLimitExceeded(Exception):
    """The function ran past its limit and its process was stopped."""


class ChildFailed(Exception):
    """The child process died (killed, out of memory, crashed) before answering."""


_lock = threading.Lock()
_pool = None
_pool_pid = None


def _pool_of_this_process():
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            # A pool inherited through fork belongs to the parent: start our own.
            _pool = ProcessPool(max_workers=1, context=multiprocessing.get_context("fork"))
            _pool_pid = os.getpid()
        return _pool


@atexit.register
def _stop_child():
    if _pool is not None and _pool_pid == os.getpid():
        _pool.stop()
        _pool.join(timeout=5)


def call_with_time_limit(function, *args, seconds):
    """function(*args), run in this process's child; its result or its exception.

    `function` must be importable by name (a module-level function) and its
    arguments and result picklable. Raises TimeLimitExceeded after `seconds` of
    wall-clock time in the child, ChildFailed if the child died.
    """
    future = _pool_of_this_process().schedule(function, args=args, timeout=seconds)
    try:
        return future.result()
    except FutureTimeout as error:
        raise TimeLimitExceeded(f"stopped after {seconds:g} s") from error
    except ProcessExpired as error:
        raise ChildFailed(str(error)) from error
