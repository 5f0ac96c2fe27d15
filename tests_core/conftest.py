"""Shared fixtures of the ORM-free tests."""

import time

import pytest


def _best_time(run, argument, repeat=3):
    """The shortest of *repeat* timings of ``run(argument)``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run(argument)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.fixture
def best_time():
    """``best_time(run, argument)``: the shortest of three timings of
    ``run(argument)``, for tests that compare two inputs in one process."""
    return _best_time


@pytest.fixture
def grows_linearly():
    """``grows_linearly(run, build, size)``: whether ``run(build(size))``
    takes less than 20 times ``run(build(size // 8))``.

    A guard against scans that retry from every position of forged input:
    quadratic work takes 64 times as long on eight times the input, linear
    work eight times.  It compares the two sizes in the same process, best
    of three runs each, so a slow or busy machine slows both alike; it
    measures no speed.  ``slack`` (seconds) absorbs the timer's noise on
    inputs read in milliseconds.
    """

    def check(run, build, size, slack=0.05):
        small = _best_time(run, build(size // 8))
        large = _best_time(run, build(size))
        return large < 20 * small + slack

    return check
