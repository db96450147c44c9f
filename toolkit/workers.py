"""Worker processes with a wall-clock limit on each task, so that no document — a hostile
picture that keeps the layout busy, a template that never ends — can hang or exhaust the
process that runs the command or serves the web app: a task past its time is stopped by
ending its worker, which is replaced."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

# A document's whole build (loading, layout, PDF and DOCX) may take this long.
BUILD_SECONDS = 60.0


def build_seconds() -> float:
    """How long one document's build may take: `UNIONKIT_BUILD_SECONDS`, else a minute."""
    from toolkit.sandbox import _seconds_from

    return _seconds_from("UNIONKIT_BUILD_SECONDS", BUILD_SECONDS)


@dataclass(frozen=True)
class Stopped:
    """A task that did not finish: past its time, or its worker died (`signal` set)."""

    seconds: float
    signal: int | None = None

    def describe(self) -> str:
        if self.signal is None:
            return (
                f"took longer than {self.seconds:g} seconds and was stopped: is a picture or"
                " template doing far more work than a document needs?"
            )
        if self.signal == 9:
            return "was stopped by the system, probably for using too much memory"
        return f"the process building it ended unexpectedly (signal {self.signal})"


_READY = "ready"
# How long a new worker may take to start (importing WeasyPrint on a slow machine).
START_SECONDS = 120.0


@dataclass(frozen=True)
class Failed:
    """A task that raised: the exception's type and words (tracebacks stay in the worker)."""

    kind: str
    message: str


def _serve(connection: Connection, prepare: Callable[[], None] | None) -> None:
    """A worker's life: run each task sent, send back its result, until told to stop."""
    if prepare is not None:
        prepare()
    # Ready: a task's time is counted from here, not from the worker's start.
    connection.send(_READY)
    # A worker whose command ended without stopping it (killed, say) ends too, rather than
    # wait for a task for ever: its own copy of the command's end of the pipe would keep
    # the pipe open.
    parent = multiprocessing.parent_process()
    watched: list[Connection | int] = [connection]
    if parent is not None and parent.sentinel is not None:
        watched.append(parent.sentinel)
    while True:
        try:
            if connection not in wait(watched):
                return
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, function, args, environment, folder = task
        if environment is not None:
            os.environ.clear()
            os.environ.update(environment)
            os.chdir(folder)
        try:
            result: Any = function(*args)
        except Exception as exc:  # noqa: BLE001 - sent back to be reported, never lost
            result = Failed(type(exc).__name__, " ".join(str(exc).split())[:300])
        try:
            connection.send((index, result))
        except (OSError, ValueError):
            return


# What every task needs (the build, the renderers and the web app's tasks), imported once in
# the fork server that starts workers when the command cannot fork itself (it runs other
# threads, as a web server does): each worker then starts with them in tens of
# milliseconds rather than importing them again for most of a second.
FORKSERVER_PRELOAD = (
    "toolkit.build",
    "toolkit.render.pdf",
    "toolkit.render.docx",
    "toolkit.web.tasks",
    "weasyprint",
    "docxtpl",
)


def _start_method() -> str:
    """fork where it is safe (a Unix process with no other threads): the worker starts with
    the process's state, its imports and caches; else forkserver (Unix) or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and os.name == "posix":
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class _Worker:
    def __init__(self, context: Any, prepare: Callable[[], None] | None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, prepare), daemon=True)
        forked = context.get_start_method() == "fork"
        if forked:
            # A forked worker's garbage collector would otherwise walk every object it
            # inherited, writing to each and so copying much of the parent's memory (a
            # fifth of a build's time when the parent is large, as a test run is); frozen
            # objects are left alone.
            gc.freeze()
        try:
            self.process.start()
        finally:
            if forked:
                gc.unfreeze()
        child.close()
        self.task: int | None = None
        self.deadline = 0.0
        started = self.connection.poll(START_SECONDS)
        if not started or self.connection.recv() != _READY:
            self.stop(kill=True)
            raise RuntimeError("a worker process did not start")

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except (OSError, ValueError):
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


# Worker processes kept between commands in this thread, by how they were prepared.
_KEPT: ContextVar[dict[object, list[_Worker]] | None] = ContextVar("kept_workers", default=None)


@contextmanager
def kept(keep: bool = True) -> Iterator[None]:
    """Within this block (in this thread), the worker processes a command starts are kept
    for the next command instead of stopped, so each starts with a worker that has already
    loaded what builds need, as `unionkit watch` rebuilds after every save. Each task is
    sent the environment and folder it runs with. The workers are stopped at the end.
    `keep=False` starts and stops workers for each command inside, as usual."""
    store: dict[object, list[_Worker]] | None = {} if keep else None
    token = _KEPT.set(store)
    try:
        yield
    finally:
        for workers in (store or {}).values():
            for worker in workers:
                worker.stop()
        _KEPT.reset(token)


class Workers:
    """A few worker processes that run tasks in order, each within `seconds`.

    Use as a context manager; `run` yields the results in the order of the tasks. A task
    past its time, or whose worker dies, yields `Stopped`, and a fresh worker takes the
    next task; a task that raises yields `Failed` (functions run here should report their
    own problems rather than raise). With `share`, the workers are those kept by `kept()`
    when it is in force.
    """

    def __init__(
        self,
        size: int,
        seconds: float = BUILD_SECONDS,
        prepare: Callable[[], None] | None = None,
        *,
        share: bool = False,
    ) -> None:
        self.size = max(1, size)
        self.seconds = seconds
        self.method = _start_method()
        self._context = multiprocessing.get_context(self.method)
        if self.method == "forkserver":
            # Only heeded before this process's fork server starts, which is what matters.
            self._context.set_forkserver_preload(list(FORKSERVER_PRELOAD))
        self._workers: list[_Worker] = []
        store = _KEPT.get() if share else None
        self._kept = store is not None
        if store is not None:
            self._workers = store.setdefault(prepare, [])
        # `prepare` (imports, fonts) runs once here when workers are forked from this
        # process, so each starts ready; otherwise once in each worker.
        self._prepare = prepare
        if prepare is not None and self.method == "fork":
            prepare()
            self._prepare = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._kept:
            # Kept for the next command, unless left with a task it is still working on.
            for worker in [w for w in self._workers if w.task is not None]:
                self._replace(worker, kill=True)
            return
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def run(
        self, function: Callable[..., Any], arguments: Sequence[tuple[Any, ...]]
    ) -> Iterator[Any]:
        """`function(*args)` for each of `arguments`, in order, in the workers."""
        pending = list(enumerate(arguments))[::-1]
        done: dict[int, Any] = {}
        following = 0
        # Workers forked from this process for this command see its folder and environment;
        # others, and kept ones, are told.
        told = self.method != "fork" or self._kept
        state = (dict(os.environ), os.getcwd()) if told else None
        while following < len(arguments):
            while pending and len(self._busy()) < min(self.size, len(arguments)):
                worker = self._idle()
                index, args = pending.pop()
                environment, folder = state if state else (None, None)
                worker.connection.send((index, function, args, environment, folder))
                worker.task, worker.deadline = index, time.monotonic() + self.seconds
            busy = self._busy()
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.connection for w in busy], timeout=timeout)
            for worker in busy:
                if worker.connection in ready:
                    self._collect(worker, done)
                elif time.monotonic() > worker.deadline:
                    assert worker.task is not None
                    done[worker.task] = Stopped(self.seconds)
                    self._replace(worker, kill=True)
            while following in done:
                yield done.pop(following)
                following += 1

    def _collect(self, worker: _Worker, done: dict[int, Any]) -> None:
        assert worker.task is not None
        try:
            index, result = worker.connection.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            code = worker.process.exitcode
            done[worker.task] = Stopped(self.seconds, signal=-code if code and code < 0 else 0)
            self._replace(worker, kill=True)
            return
        done[index] = result
        worker.task = None

    def _busy(self) -> list[_Worker]:
        return [worker for worker in self._workers if worker.task is not None]

    def _idle(self) -> _Worker:
        for worker in self._workers:
            if worker.task is None:
                return worker
        worker = _Worker(self._context, self._prepare)
        self._workers.append(worker)
        return worker

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        worker.stop(kill=kill)
        self._workers.remove(worker)
