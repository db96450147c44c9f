"""Where outputs go and how they are written: atomically, never over a good file with a bad one."""

from __future__ import annotations

import os
import tempfile
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


def unique_stems(stems: list[Path]) -> list[Path]:
    """Make output stems distinct by adding -2, -3 ... to later repeats."""
    seen: set[Path] = set()
    result = []
    for stem in stems:
        candidate, number = stem, 2
        while candidate in seen:
            candidate = stem.with_name(f"{stem.name}-{number}")
            number += 1
        seen.add(candidate)
        result.append(candidate)
    return result
