"""Skip outputs whose inputs have not changed since they were written."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.cache import FOLDER_DIGESTS, read_file, stamp
from toolkit.document import LoadedDocument
from toolkit.errors import UnionkitError
from toolkit.loader import read_bounded
from toolkit.output import write_atomically
from toolkit.paths import is_scratch_file

CACHE_NAME = ".unionkit-build.json"


# A template folder holds a few small files; a huge one is a mistake or an attack.
MAX_TEMPLATE_FILE = 30 * 1024 * 1024


def _folder_digest(folder: Path) -> str:
    """A fingerprint of a template folder's files: regular files only (never followed
    through links, which could lead to a device or a huge file elsewhere), editors' scratch
    files left out; hashed again only when one changes."""
    stamps = []
    files = []
    for top, folders, names in os.walk(folder, followlinks=False):
        folders.sort()
        for name in sorted(names):
            path = Path(top) / name
            if path.is_symlink() or not path.is_file() or is_scratch_file(name):
                continue
            try:
                found = stamp(path)
            except OSError:
                continue
            if found[1] > MAX_TEMPLATE_FILE:
                raise UnionkitError(
                    f"is {found[1] // 1_000_000} MB: a template's files are small; remove it",
                    file=path,
                )
            stamps.append(found)
            files.append(path)

    def compute() -> str:
        digest = hashlib.sha256()
        for path in files:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(read_file(path))
        return digest.hexdigest()

    return FOLDER_DIGESTS.get((str(folder), tuple(stamps)), compute)


def input_digest(document: LoadedDocument, files: list[Path], settings: dict[str, object]) -> str:
    """A fingerprint of everything that shapes the outputs: the files, the template folder,
    the build's settings, `SOURCE_DATE_EPOCH` and unionkit's version (which covers its fonts)."""
    digest = hashlib.sha256()
    digest.update(__version__.encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    digest.update(_folder_digest(document.template.folder).encode())
    return digest.hexdigest()


# A build record of this size holds tens of thousands of outputs; a larger one is not ours.
MAX_STATE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Built:
    """What the build record says of one document's outputs: the fingerprint of the inputs
    they were made from, and the SHA-256 of each file as written."""

    inputs: str
    outputs: dict[str, str]

    def still_there(self, files: list[Path]) -> bool:
        """Whether each of `files` is the regular file unionkit wrote (same bytes): a file
        changed, replaced by a link or put there by someone else is built again."""
        for path in files:
            recorded = self.outputs.get(path.name)
            if recorded is None or path.is_symlink() or not path.is_file():
                return False
            try:
                if file_digest(path) != recorded:
                    return False
            except OSError:
                return False
        return True


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class BuildCache:
    """The fingerprints of the outputs in one folder, and which files each build wrote from
    which document and table, kept in a small JSON file there (the build record). A record
    that is not a regular file of sensible size, or not in unionkit's shape, is set aside
    with a warning: everything is then built again."""

    def __init__(self, out_dir: Path) -> None:
        self.file = out_dir / CACHE_NAME
        self.entries: dict[str, Built] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        self.warning: str | None = None
        if not os.path.lexists(self.file):
            return
        try:
            if self.file.is_symlink() or not self.file.is_file():
                raise ValueError("it is not a regular file")
            raw = read_bounded(self.file, MAX_STATE_BYTES)
            data = json.loads(raw.decode("utf-8"))
            self.entries = _entries(data)
            self.outputs = _outputs(data)
        except (UnionkitError, ValueError, UnicodeDecodeError, OSError) as exc:
            reason = exc.problems[0].message if isinstance(exc, UnionkitError) else str(exc)
            self.warning = (
                f"is not a build record unionkit wrote ({reason}): ignored, so every document"
                " is built again"
            )
            self.entries, self.outputs = {}, {}

    def record(self, stem: Path, document: Path, data: Path | None, written: list[Path]) -> None:
        """Remember the files written for `stem`, from which document and table: only these
        are ever removed as left over (`build --clean`)."""
        previous = self.outputs.get(str(stem), {})
        same = previous.get("document") == str(document.resolve())
        files = set(previous.get("files", [])) if same else set()
        self.outputs[str(stem)] = {
            "document": str(document.resolve()),
            "data": str(data.resolve()) if data else "",
            "files": sorted(files | {path.name for path in written}),
        }

    def save(self) -> None:
        """Write the record (never through a link, never over a folder or a device)."""
        if os.path.lexists(self.file) and (self.file.is_symlink() or not self.file.is_file()):
            return
        entries = {
            stem: {"inputs": built.inputs, "outputs": built.outputs}
            for stem, built in sorted(self.entries.items())
        }
        state = {"unionkit": 2, "entries": entries, "outputs": self.outputs}
        text = json.dumps(state, indent=0, sort_keys=True)
        write_atomically(self.file, text.encode("utf-8"))


def _outputs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Which files each build wrote, from a parsed record (checked: only names of files)."""
    outputs = data.get("outputs", {})
    if not isinstance(outputs, dict):
        raise ValueError("its outputs are not in unionkit's shape")
    for stem, record in outputs.items():
        if not (
            isinstance(record, dict)
            and isinstance(record.get("document"), str)
            and isinstance(record.get("data"), str)
            and isinstance(record.get("files"), list)
            and all(isinstance(name, str) and "/" not in name for name in record["files"])
        ):
            raise ValueError(f"its files for {stem[:80]!r} are not in unionkit's shape")
    return outputs


def _entries(data: object) -> dict[str, Built]:
    """The entries of a parsed record; `ValueError` if it is not in unionkit's shape."""
    if not isinstance(data, dict) or data.get("unionkit") != 2:
        raise ValueError("not in the shape unionkit writes")
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise ValueError("it has no entries")
    found: dict[str, Built] = {}
    for stem, entry in entries.items():
        if not (
            isinstance(stem, str)
            and isinstance(entry, dict)
            and isinstance(entry.get("inputs"), str)
            and isinstance(entry.get("outputs"), dict)
            and all(
                isinstance(name, str) and isinstance(value, str)
                for name, value in entry["outputs"].items()
            )
        ):
            raise ValueError(f"its entry for {stem[:80]!r} is not in unionkit's shape")
        found[stem] = Built(entry["inputs"], dict(entry["outputs"]))
    return found
