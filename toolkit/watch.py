"""`unionkit watch`: build, then build again whenever one of a document's files is saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from toolkit.build import Outcome, Settings, build_many, context_of, dependencies, load, plan
from toolkit.paths import is_inside, is_scratch_file


def watched_folders(paths: list[Path], out_dir: Path) -> list[Path]:
    """Folders whose changes matter: the folders named and the documents' own, plus the
    folders of every file a document uses (a campaign file in a parent folder, a local
    template folder)."""
    from toolkit.errors import UnionkitError

    folders = {(p if p.is_dir() else p.parent).resolve() for p in paths}
    for job in plan(paths, out_dir).jobs:
        try:
            document = load(job.source)
            context = context_of(document)
        except UnionkitError:
            continue  # its errors are shown by the build; its own folder is watched
        folders |= {path.parent.resolve() for path in dependencies(document, context)}
        if not document.template.builtin:
            folders.add(document.template.folder.resolve())
    # Watching a folder covers the folders below it.
    return sorted(f for f in folders if not any(f != g and f.is_relative_to(g) for g in folders))


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

    from toolkit.workers import kept

    out = out_dir.resolve()

    class SkipOutputs(DefaultFilter):
        def __call__(self, change: Change, path: str) -> bool:
            if is_inside(Path(path), out) or path.endswith(".part"):
                return False
            if is_scratch_file(Path(path).name):
                return False
            return bool(super().__call__(change, path))

    def build_all() -> None:
        jobs = plan(paths, out_dir).jobs
        build_many(jobs, Settings(formats=tuple(formats), force=True), out_dir, 1, report)

    # One worker serves every rebuild, with what it loaded for the first still loaded.
    with kept():
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
