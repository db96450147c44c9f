"""Where a path really leads: the one containment rule, and the scratch files to ignore."""

from __future__ import annotations

import os
import re
from pathlib import Path


def real_path(path: Path) -> Path | None:
    """`path` with every symlink followed and every `..` taken after the link before it, or
    None when it cannot be resolved: a symlink loop, a link to nothing, a folder that cannot
    be read. A path that does not exist yet (an output) resolves through its parent."""
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        if os.path.islink(path):
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    absolute = Path(path).absolute()
    if absolute.parent == absolute:
        return absolute
    parent = real_path(absolute.parent)
    if parent is None:
        return None
    if absolute.name == "..":
        return parent.parent
    return parent if absolute.name in ("", ".") else parent / absolute.name


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, after following every symlink, lies in `folder` (or is `folder`),
    itself resolved the same way. The one check for "this file stays in that tree": a
    document, template, picture, table or output that leads out of its folder is refused."""
    target, root = real_path(path), real_path(folder)
    return target is not None and root is not None and target.is_relative_to(root)


def inside_any(path: Path, folders: list[Path] | tuple[Path, ...]) -> bool:
    """Whether `path` lies inside one of `folders` (see `is_inside`)."""
    return any(is_inside(path, folder) for folder in folders)


# Lock and backup files that Word, LibreOffice, Emacs and Vim leave beside the files being
# edited: never documents, never part of a template's fingerprint.
_SCRATCH = re.compile(r"^(~\$.*|\.~lock\..*#|\.#.*|.*~|.*\.swp|.*\.swx|\.DS_Store)$")


def is_scratch_file(name: str) -> bool:
    """Whether a file name is an editor's lock or backup file (`~$motion.docx`,
    `.~lock.motion.docx#`, `motion.yaml~`, `.#motion.yaml`)."""
    return bool(_SCRATCH.match(name))
