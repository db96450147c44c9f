"""Where outputs go and how they are written: atomically, never over a good file with a bad one."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path


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
# Names Windows refuses for a file, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_stem(name: str) -> str:
    """A file name stem safe on every system: letters (any script), digits, `.`, `-`, `_`.

    No path separators, no `..`, no NUL or control characters, no Windows reserved names,
    at most 100 characters; never empty.
    """
    stem = unicodedata.normalize("NFC", name)
    stem = _UNSAFE.sub("-", stem).strip(".-_ ")
    stem = re.sub(r"-{2,}", "-", stem)
    stem = re.sub(r"\.{2,}", ".", stem)[:MAX_STEM].rstrip(".-_ ")
    if not stem:
        return "document"
    if stem.split(".")[0].casefold() in _RESERVED:
        stem = f"{stem}-document"
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
