"""Every per-process cache, with one policy: keyed by a file's path, size and modification
time or a digest of its bytes (or, for what unionkit computes from its own shipped files, by
the arguments alone), bounded in entries, least recently used first out, and safe to share
between threads."""

from __future__ import annotations

import atexit
import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

if TYPE_CHECKING:
    from toolkit.build import Checked

T = TypeVar("T")

Stamp = tuple[str, int, int]


def stamp(path: Path) -> Stamp:
    """What identifies one version of a file: its real path, size and modification time.
    Raises `OSError` when the file cannot be looked at."""
    status = os.stat(path)
    return (os.path.realpath(path), status.st_size, status.st_mtime_ns)


class FileCache(Generic[T]):
    """Values computed from files, kept while the files are unchanged.

    A key is the stamps of the files a value was made from plus anything else that shaped
    it; a changed file makes a new key, and the old entry ages out. Two threads asking for
    the same missing value may both compute it: values are pure, so either result is right.
    """

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key`, computing and keeping it if it is not held."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        self.put(key, value)
        return value

    def peek(self, key: Hashable) -> T | None:
        """The value held for `key`, if any (without computing one)."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: T) -> None:
        """Keep `value` for `key`."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def for_file(self, path: Path, compute: Callable[[], T], *extra: Hashable) -> T:
        """The value computed from one file (and `extra`), while that file is unchanged.
        A file that cannot be looked at is not cached: `compute` reports the problem."""
        try:
            key = (stamp(path), *extra)
        except OSError:
            return compute()
        return self.get(key, compute)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class PerThread(Generic[T]):
    """One object per thread, for the few things a library says must not be shared
    between threads (a Pango font map, a parser with lazily built tables)."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._local = threading.local()
        _PER_THREAD.append(self)

    def drop(self) -> None:
        """Forget this thread's object."""
        self._local.__dict__.pop("value", None)

    def get(self) -> T:
        value: T | None = getattr(self._local, "value", None)
        if value is None:
            value = self._factory()
            self._local.value = value
        return value


_PER_THREAD: list[PerThread[Any]] = []


@atexit.register
def _drop_per_thread() -> None:
    # Pango and fontconfig objects freed during interpreter shutdown, after the libraries'
    # own state is gone, crash the process: free the main thread's while all is alive.
    for holder in _PER_THREAD:
        holder.drop()
    import gc

    gc.collect()


# The caches themselves, so there is one place to see what a process keeps.
FILE_BYTES: FileCache[bytes] = FileCache("template files and pictures", 256)
"""Template files, fonts and pictures read for rendering."""
PARSED_YAML: FileCache[object] = FileCache("parsed YAML", 128)
"""Parsed YAML with line numbers: a batch reads its document and campaign file once."""
TEMPLATES: FileCache[object] = FileCache("template manifests", 64)
"""Template folders read and checked."""
FOLDER_DIGESTS: FileCache[str] = FileCache("template folder fingerprints", 64)
"""Fingerprints of template folders, keyed by every file's stamp."""
ENVIRONMENTS: FileCache[object] = FileCache("Jinja environments", 32)
"""One sandboxed Jinja environment per template file, which keeps its compiled code."""
PICTURES: FileCache[bytes] = FileCache("pictures drawn for Word and made ready for print", 16)
"""SVG pictures drawn as PNG for Word, which cannot place SVG itself, and photos turned
upright and downsampled for print."""
PROFILES: FileCache[object] = FileCache("colour transforms", 4)
"""Colour transforms built from an ICC profile (for PDF/X)."""
CHECKED: FileCache[Checked] = FileCache("visitors' copies, checked and laid out", 4)
"""A web render worker's last few visitors' documents, checked (their pages laid out), keyed
by the fields sent and the fingerprint of the files: a preview, then the PDF, then the DOCX
of the same fields fit the pages once."""

FIT_CHOICES: FileCache[int] = FileCache("fitting steps chosen", 64)
"""The fitting step each document file's last fitted build chose: the rows of a batch
differ in a few fields, so the next row tries that step and the one before it first."""


def clear_all() -> None:
    """Forget everything (for tests that change files within one clock tick)."""
    for cache in (
        FILE_BYTES,
        PARSED_YAML,
        TEMPLATES,
        FOLDER_DIGESTS,
        ENVIRONMENTS,
        PICTURES,
        PROFILES,
        CHECKED,
        FIT_CHOICES,
    ):
        cache.clear()


F = TypeVar("F", bound=Callable[..., Any])


def memo(size: int = 64) -> Callable[[F], F]:
    """For values computed from their arguments alone (a QR code for a link) or from
    unionkit's own shipped files or the machine (a message catalogue, the Markdown parser's
    rules, which fonts draw a character), which do not change while it runs: kept by their
    arguments, at most `size` of them."""

    def wrap(function: F) -> F:
        return cast(F, functools.lru_cache(maxsize=size)(function))

    return wrap


def read_file(path: Path) -> bytes:
    """A template file, font or picture, read once per process while it is unchanged."""
    return FILE_BYTES.for_file(path, path.read_bytes)
