"""The one Jinja environment factory both renderers use: sandboxed, strict, escaping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.environment import Environment
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


class _DataOnlyEnvironment(ImmutableSandboxedEnvironment):
    """Sandbox that also refuses attributes of anything but plain data."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not isinstance(obj, _PLAIN):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))


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
