"""The one Jinja environment factory both renderers use: sandboxed, strict, escaping, and
bounded in the size of what it builds and in the time a render takes."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, Template, TemplateNotFound
from jinja2.environment import Environment
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from toolkit.paths import is_inside

# The only objects a template may look into: plain data, and Jinja's own `loop` helper.
_PLAIN = (str, int, float, bool, type(None), list, tuple, dict, LoopContext)

# Bounds on what one template expression may produce, on a whole render's output, and on
# its time.
MAX_VALUE_CHARS = 1_000_000
MAX_OUTPUT_CHARS = 20_000_000
RENDER_SECONDS = 10.0


def _seconds_from(variable: str, default: float) -> float:
    """A time limit from the environment (for a slow machine, or a test), else `default`."""
    try:
        value = float(os.environ.get(variable, ""))
    except ValueError:
        return default
    return min(max(value, 0.1), 3600.0)


def template_seconds() -> float:
    """How long filling one template may take: `UNIONKIT_TEMPLATE_SECONDS`, else 10 s."""
    return _seconds_from("UNIONKIT_TEMPLATE_SECONDS", RENDER_SECONDS)


# Compiled Word template parts kept per environment (a Word template has a few parts).
MAX_COMPILED = 64


class RenderTimeout(Exception):
    """A template took longer than its time limit to fill."""


# The deadline of the render running in this thread (each thread, and each asyncio task,
# sees its own), checked at every call, attribute, item, operator and chunk of output.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("render_deadline", default=None)


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Stop a template render that runs past `seconds` (default `RENDER_SECONDS`). It works
    in any thread and on any system: the sandbox checks the clock as the template runs,
    rather than a signal."""
    seconds = template_seconds() if seconds is None else seconds
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline() -> None:
    """Raise `RenderTimeout` if the render running here is past its time."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise RenderTimeout(f"filling the template took more than {deadline[1]:g} seconds")


class _FolderLoader(FileSystemLoader):
    """A loader that refuses a template whose real path (after symlinks) leaves its folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self._root = folder

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not is_inside(Path(filename), self._root):
            raise TemplateNotFound(template)
        return source, filename, uptodate


class BoundedTemplate(Template):
    """A template whose `render` checks the deadline and the output's size as it goes (the
    way docxtpl calls it, as well as ours)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        chunks: list[str] = []
        size = 0
        for chunk in self.generate(*args, **kwargs):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise SecurityError(
                    f"the template produced more than {MAX_OUTPUT_CHARS:,} characters"
                )
            check_deadline()
            chunks.append(chunk)
        return "".join(chunks)


class _DataOnlyEnvironment(ImmutableSandboxedEnvironment):
    """Sandbox that also refuses attributes of anything but plain data, arithmetic that
    would build huge values (`"x" * 10**9`), and work past the render's deadline."""

    intercepted_binops = frozenset({"*", "**", "+", "-", "/", "//", "%"})
    template_class = BoundedTemplate

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # docxtpl compiles each part of a Word template from a string on every render; the
        # compiled code is the same for the same text, so a batch compiles each part once.
        # Overlays made per render share this dict.
        self.compiled: dict[tuple[str, bool], Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if not isinstance(source, str) or template_class is not None:
            return super().from_string(source, globals, template_class)
        key = (source, bool(self.autoescape))
        code = self.compiled.get(key)
        if code is None:
            code = self.compile(source)
            if len(self.compiled) < MAX_COMPILED:
                self.compiled[key] = code
        return self.template_class.from_code(self, code, self.make_globals(globals), None)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not isinstance(obj, _PLAIN):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def getattr(self, obj: Any, attribute: str) -> Any:
        check_deadline()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        check_deadline()
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        check_deadline()
        if isinstance(getattr(__obj, "__self__", None), str):
            check_string_method(__obj.__self__, getattr(__obj, "__name__", ""), args, kwargs)
        return bounded(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        pattern = str(value.__self__)

        def checked(*args: Any, **kwargs: Any) -> str:
            # Widths are checked before the text is made: "{:>999999999}" is a gigabyte.
            check_format_spec(pattern)
            result: str = bounded(wrapper(*args, **kwargs))
            return result

        return checked

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        check_deadline()
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 64:
                raise SecurityError("a power above 64 is not allowed in a template")
            return left**right
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_VALUE_CHARS
                ):
                    raise SecurityError("a template may not build a value that large")
            return left * right
        if operator == "%" and isinstance(left, str):
            check_format(left)
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_VALUE_CHARS:
            raise SecurityError("a template may not build a value that large")
        return result


def bounded(value: Any) -> Any:
    """`value`, refused if it is a text or list too large for any document."""
    if isinstance(value, str | list | tuple) and len(value) > MAX_VALUE_CHARS:
        raise SecurityError("a template may not build a value that large")
    return value


def _width(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


def check_string_method(text: str, method: str, args: tuple[Any, ...], kwargs: Any) -> None:
    """Refuse, before it runs, a string method that would build a huge value
    (`"x".center(10**9)`, `s.replace("x", s)` over and over, `"{:>999999999}".format(1)`)."""
    if method in ("center", "ljust", "rjust", "zfill") and args:
        if _width(args[0]) > MAX_VALUE_CHARS:
            raise SecurityError("a template may not build a value that large")
    elif method == "expandtabs":
        size = _width(args[0]) if args else 8
        if text.count("\t") * size > MAX_VALUE_CHARS:
            raise SecurityError("a template may not build a value that large")
    elif method == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        times = text.count(old) if old else len(text) + 1
        if len(text) + times * max(0, len(new) - len(old)) > MAX_VALUE_CHARS:
            raise SecurityError("a template may not build a value that large")
    elif method in ("format", "format_map"):
        check_format_spec(text)


_SPEC_WIDTH = re.compile(r"\{[^{}]*?:[^{}]*?(\d+)")


def check_format_spec(text: str) -> None:
    """Refuse a `str.format` pattern whose widths would pad to gigabytes."""
    for match in _SPEC_WIDTH.finditer(text):
        if len(match[1]) > 4 or int(match[1]) > MAX_FORMAT_WIDTH:
            raise SecurityError(
                f"a format width above {MAX_FORMAT_WIDTH} is not allowed in a template"
            )


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter that checks its widths before it runs and its result after."""

    def checked(*args: Any, **kwargs: Any) -> Any:
        check_deadline()
        values = list(args)
        # Filters that take the environment or context get it first.
        text = next((v for v in values if isinstance(v, str)), "")
        if name in ("center", "indent", "wordwrap", "truncate") and len(values) > 1:
            numbers = [v for v in values[1:] if isinstance(v, int) and not isinstance(v, bool)]
            width = max([_width(v) for v in numbers] + [_width(kwargs.get("width", 0))])
            lines = text.count("\n") + 1 if name == "indent" else 1
            if width * lines > MAX_VALUE_CHARS:
                raise SecurityError("a template may not build a value that large")
        elif name == "replace":
            strings = [str(v) for v in values if isinstance(v, str)]
            if len(strings) >= 3:
                check_string_method(strings[0], "replace", tuple(strings[1:3]), {})
        elif name == "format" and text:
            check_format(text)
            check_format_spec(text)
        return bounded(function(*args, **kwargs))

    checked.__dict__.update(function.__dict__)  # keeps Jinja's pass_environment marks
    return checked


_GROWING_FILTERS = ("center", "indent", "wordwrap", "truncate", "replace", "format")


_FORMAT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
MAX_FORMAT_WIDTH = 1000


def check_format(text: str) -> None:
    """Refuse a %-format whose widths would pad a value to gigabytes (`%0999999999d`)."""
    for match in _FORMAT_FIELD.finditer(text):
        for number in match.groups():
            if number == "*" or (number is not None and int(number) > MAX_FORMAT_WIDTH):
                raise SecurityError(
                    f"a format width above {MAX_FORMAT_WIDTH} is not allowed in a template"
                )


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
    for name in _GROWING_FILTERS:
        env.filters[name] = _bounded_filter(name, env.filters[name])
    env.filters.update(filters or {})
    return env


def with_filters(
    env: ImmutableSandboxedEnvironment, filters: dict[str, Callable[..., Any]]
) -> ImmutableSandboxedEnvironment:
    """An overlay of a shared environment with filters of its own (bound to one render);
    it shares the compiled code, never the filters of another render."""
    overlay = env.overlay()
    overlay.filters = {**env.filters, **filters}
    return overlay
