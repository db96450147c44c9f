"""A long-lived, bounded pool of render processes for the web app: a few workers started
ready (imports and fonts loaded once each), a time limit on every render, and a wait for a
free worker that ends in "busy" rather than a queue without end. Called from threads, never
from the event loop."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from toolkit.workers import Workers


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
        self._idle: queue.Queue[Workers] = queue.Queue()
        self._all: list[Workers] = []
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        """Start every worker now, in parallel, and wait until each is ready."""
        pools = [Workers(1, self.seconds, prepare_worker) for _ in range(self.size)]
        with ThreadPoolExecutor(self.size) as starting:
            list(starting.map(lambda pool: next(pool.run(_ready, [()])), pools))
        with self._lock:
            self._all = pools
        for pool in pools:
            self._idle.put(pool)

    def run(self, function: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """`function(*args)` in a worker: its result, or `toolkit.workers.Stopped`/`Failed`;
        raises `Busy` when no worker came free in time."""
        if self._closed:
            raise Busy("the server is stopping")
        try:
            pool = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise Busy("every render worker is busy") from None
        try:
            return next(pool.run(function, [args]))
        finally:
            self._idle.put(pool)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            pools, self._all = self._all, []
        for pool in pools:
            pool.close()
