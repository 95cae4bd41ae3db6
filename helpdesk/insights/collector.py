"""Python's cycle collector held off while the support KPIs are added up (insights/support.py).

A year split per day adds up some 10,000 rows into as many tallies and answers, which all live
until the answer is sent: each of them is a few objects the collector tracks. It runs a full
collection each time the objects that have lived a while have grown by a quarter, and each one
goes over every object of the process again (some 150,000 once the service has started: 0.1 s
on a small machine): with the collector on, such a request spent a third of its time in it.
Held off, it runs once afterwards, as it would have. Only around code that does not await: no
other task runs meanwhile, so none finds it off, and the state it was in is the one restored.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def held_off(function: Callable[P, T]) -> Callable[P, T]:
    """`function`, which must not await, run with the cycle collector off."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run
