"""The one Jinja environment factory both renderers use: sandboxed, strict, escaping."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.environment import Environment
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

# The only objects a template may look into: plain data, and Jinja's own `loop` helper.
_PLAIN = (str, int, float, bool, type(None), list, tuple, dict, LoopContext)


class _FolderLoader(FileSystemLoader):
    """A loader that refuses a template whose real path (after symlinks) leaves its folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self._root = folder.resolve()

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(filename).resolve().is_relative_to(self._root):
            raise TemplateNotFound(template)
        return source, filename, uptodate


# Bounds on what one template expression may produce, and on a whole render's time.
MAX_VALUE_CHARS = 1_000_000
RENDER_SECONDS = 10


class _DataOnlyEnvironment(ImmutableSandboxedEnvironment):
    """Sandbox that also refuses attributes of anything but plain data, and arithmetic that
    would build huge values (`"x" * 10**9`)."""

    intercepted_binops = frozenset({"*", "**"})

    # docxtpl compiles each part of a Word template from a string on every render; the
    # compiled code is the same for the same text, so a batch compiles each part once.
    _compiled: ClassVar[dict[tuple[str, bool], Any]] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if not isinstance(source, str) or template_class is not None:
            return super().from_string(source, globals, template_class)
        key = (source, bool(self.autoescape))
        code = self._compiled.get(key)
        if code is None:
            code = self.compile(source)
            if len(self._compiled) < 64:
                self._compiled[key] = code
        return self.template_class.from_code(self, code, self.make_globals(globals), None)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not isinstance(obj, _PLAIN):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("a power above 64 is not allowed in a template")
            return left**right
        for sequence, count in ((left, right), (right, left)):
            if (
                isinstance(sequence, str | list | tuple)
                and isinstance(count, int)
                and len(sequence) * count > MAX_VALUE_CHARS
            ):
                raise SecurityError("a template may not build a value that large")
        return left * right


class RenderTimeout(Exception):
    """A template took longer than `RENDER_SECONDS` to fill."""


@contextmanager
def time_limit(seconds: int = RENDER_SECONDS) -> Iterator[None]:
    """Stop a render that runs past `seconds` (only possible in the main thread, where
    unionkit renders; elsewhere the bounds above must do)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise RenderTimeout(f"filling the template took more than {seconds} seconds")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def make_environment(
    folder: Path | None = None,
    *,
    filters: dict[str, Callable[..., Any]] | None = None,
) -> ImmutableSandboxedEnvironment:
    """Build the sandboxed Jinja environment: autoescape on, undefined names are errors."""
    env = _DataOnlyEnvironment(
        loader=_FolderLoader(folder) if folder is not None else None,
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    # cycler, joiner, namespace and lipsum are not needed and widen what a template can reach.
    env.globals = {"range": env.globals["range"]}
    env.filters.update(filters or {})
    return env
