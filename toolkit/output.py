"""Where outputs go and how they are written: atomically, never over a good file with a bad one."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path


def check_output_path(target: Path, out_dir: Path | None) -> None:
    """Refuse to write `target` through a link: the output folder, any folder below it on
    the way to `target`, or `target` itself being a symlink would send the file elsewhere
    (a received folder's `out` linked to the user's files)."""
    from toolkit.errors import UnionkitError

    root = out_dir if out_dir is not None else target.parent
    folders = [root]
    try:
        relative = target.parent.relative_to(root)
    except ValueError:
        relative = Path()
    for part in relative.parts:
        folders.append(folders[-1] / part)
    for path in [*folders, target]:
        if path.is_symlink():
            raise UnionkitError(
                f"{path} is a link to somewhere else: unionkit does not write through links;"
                " delete the link or give a real folder with -o",
                file=target,
            )


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` via a temporary file in the same folder, then rename it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


MAX_STEM = 100
# File systems count a name's bytes (255 on most), not its characters: a stem keeps room for
# its suffix, a `-2` and the temporary name it is first written under.
MAX_STEM_BYTES = 180
# Names Windows refuses for a file, whatever follows them after a dot; it reads the
# superscript digits ¹ ² ³ as digits too.
_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{port}{number}" for port in ("com", "lpt") for number in [*range(10), "¹", "²", "³"]
}
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def _cut_to_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, at a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def safe_stem(name: str) -> str:
    """A file name stem safe on every system: letters (any script), digits, `.`, `-`, `_`.

    No path separators, no `..`, no NUL or control characters, no Windows reserved names
    (`CON`, `aux.txt`, `COM¹`), at most 100 characters and 180 bytes; never empty.
    """
    stem = unicodedata.normalize("NFC", name)
    stem = _UNSAFE.sub("-", stem).strip(".-_ ")
    stem = re.sub(r"-{2,}", "-", stem)
    stem = re.sub(r"\.{2,}", ".", stem)[:MAX_STEM]
    stem = _cut_to_bytes(stem, MAX_STEM_BYTES).rstrip(".-_ ")
    if not stem:
        return "document"
    head, dot, rest = stem.partition(".")
    if head.casefold() in _RESERVED:
        # The name before the first dot is what Windows reserves: change that part.
        stem = f"{head}-document{dot}{rest}"
    return stem


def unique_stems(stems: list[Path]) -> list[Path]:
    """Make output stems distinct by adding -2, -3 ... to later repeats (ignoring case, as
    Windows and macOS do)."""
    seen: set[str] = set()
    result = []
    for stem in stems:
        candidate, number = stem, 2
        while str(candidate).casefold() in seen:
            candidate = stem.with_name(f"{stem.name}-{number}")
            number += 1
        seen.add(str(candidate).casefold())
        result.append(candidate)
    return result
