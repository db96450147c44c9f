"""A long-lived, bounded pool of render processes for the web app: a few workers started
ready (imports and fonts loaded once each), a time limit on every render, and a wait for a
free worker that ends in "busy" rather than a queue without end. Called from threads, never
from the event loop."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from toolkit.workers import Workers

# Keys remembered for sending a task to the worker that ran the last one with its key.
KEYS_KEPT = 256


class Busy(Exception):
    """Every worker stayed busy for as long as a request may wait."""


def _ready() -> bool:
    return True


def prepare_worker() -> None:
    """A render worker's start: leave Ctrl-C to the server (which stops its workers), and
    load the renderers and fonts once."""
    import multiprocessing
    import signal

    if multiprocessing.parent_process() is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    from toolkit.build import warm_renderers
    from toolkit.web import tasks  # noqa: F401 - what every task needs, loaded now

    warm_renderers()


class RenderPool:
    """`size` worker processes; each task runs in one within `seconds` (a task past it ends
    its worker, which is replaced); a caller waits at most `wait` seconds for a free one."""

    def __init__(self, size: int, seconds: float, wait: float = 30.0) -> None:
        self.size = max(1, size)
        self.seconds = seconds
        self.wait = wait
        self._idle: list[Workers] = []
        self._free = threading.Condition()
        # Which worker last ran each recent task key, so that a visitor's next format goes
        # where their document is already checked (`toolkit.web.tasks`).
        self._last: OrderedDict[Hashable, Workers] = OrderedDict()
        self._all: list[Workers] = []
        self._closed = False

    def start(self) -> None:
        """Start every worker now, in parallel, and wait until each is ready."""
        pools = [Workers(1, self.seconds, prepare_worker) for _ in range(self.size)]
        with ThreadPoolExecutor(self.size) as starting:
            list(starting.map(lambda pool: next(pool.run(_ready, [()])), pools))
        with self._free:
            self._all = pools
            self._idle.extend(pools)
            self._free.notify_all()

    def run(
        self, function: Callable[..., Any], args: tuple[Any, ...], key: Hashable | None = None
    ) -> Any:
        """`function(*args)` in a worker: its result, or `toolkit.workers.Stopped`/`Failed`;
        raises `Busy` when no worker came free in time. Tasks with the same `key` go to the
        worker that ran the last of them when it is free (any free worker otherwise)."""
        if self._closed:
            raise Busy("the server is stopping")
        deadline = time.monotonic() + self.wait
        with self._free:
            while not self._idle:
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    raise Busy("every render worker is busy")
                self._free.wait(left)
            last = self._last.get(key) if key is not None else None
            pool = last if last in self._idle else self._idle[0]
            self._idle.remove(pool)
            if key is not None:
                self._last[key] = pool
                self._last.move_to_end(key)
                while len(self._last) > KEYS_KEPT:
                    self._last.popitem(last=False)
        try:
            return next(pool.run(function, [args]))
        finally:
            with self._free:
                self._idle.append(pool)
                self._free.notify()

    def close(self) -> None:
        self._closed = True
        with self._free:
            self._free.notify_all()  # callers waiting for a worker hear "busy" now
            pools, self._all = self._all, []
        for pool in pools:
            pool.close()
