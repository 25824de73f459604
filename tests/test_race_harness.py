"""The race test's harness ends on time whatever its workers do (tests/test_race.py)."""

import multiprocessing
import time

from tests.test_race import collect


def _answer_then_hang(results):
    results.put((0, ["done"]))
    time.sleep(600)


def _hang(results):
    time.sleep(600)


def test_a_worker_still_alive_after_answering_is_killed_within_the_bound():
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_answer_then_hang, args=(results,))]
    workers[0].start()
    began = time.monotonic()
    outcomes = collect(workers, results, deadline=began + 3)
    assert outcomes == {0: ["done"]}
    assert not workers[0].is_alive()
    assert time.monotonic() - began < 20


def test_a_worker_that_never_answers_ends_the_wait_at_the_deadline():
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_hang, args=(results,))]
    workers[0].start()
    began = time.monotonic()
    assert collect(workers, results, deadline=began + 2) == {}
    assert not workers[0].is_alive()
    assert time.monotonic() - began < 20
