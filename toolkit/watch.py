"""`unionkit watch`: build, then build again whenever one of a document's files is saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from toolkit.build import Outcome, Settings, build_one, plan


def watched_folders(paths: list[Path], out_dir: Path) -> list[Path]:
    """Folders whose changes matter: the documents' own (campaign files, signatories,
    pictures and local templates live there or below) and the folders named."""
    folders = {(p if p.is_dir() else p.parent).resolve() for p in paths}
    return sorted(folders)


def watch_and_build(
    paths: list[Path],
    out_dir: Path,
    formats: list[str],
    report: Callable[[Outcome], None],
    say: Callable[[str], None],
    *,
    debounce_ms: int = 300,
    stop_after: int | None = None,
) -> None:
    """Build everything, then rebuild on every change until interrupted (or `stop_after`
    rebuilds, for tests)."""
    from watchfiles import Change, DefaultFilter, watch

    out = out_dir.resolve()

    class SkipOutputs(DefaultFilter):
        def __call__(self, change: Change, path: str) -> bool:
            resolved = Path(path).resolve()
            if resolved.is_relative_to(out) or resolved.name.endswith(".part"):
                return False
            return bool(super().__call__(change, path))

    def build_all() -> None:
        for job in plan(paths, out_dir):
            report(build_one(job, Settings(formats=tuple(formats), force=True)))

    build_all()
    folders = watched_folders(paths, out_dir)
    say(f"watching {', '.join(map(str, folders))} (Ctrl-C to stop)")
    changes_seen = watch(*folders, watch_filter=SkipOutputs(), debounce=debounce_ms)
    for rebuilds, changes in enumerate(changes_seen, start=1):
        names = sorted({Path(path).name for _, path in changes})
        say(f"changed: {', '.join(names)}; building again")
        build_all()
        if stop_after is not None and rebuilds >= stop_after:
            return
