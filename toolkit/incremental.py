"""Skip outputs whose inputs have not changed since they were written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from toolkit import __version__
from toolkit.cache import FOLDER_DIGESTS, read_file, stamp
from toolkit.document import LoadedDocument
from toolkit.output import write_atomically
from toolkit.paths import is_scratch_file

CACHE_NAME = ".unionkit-build.json"


def _folder_digest(folder: Path) -> str:
    """A fingerprint of a template folder's files (regular files only, editors' scratch
    files left out), hashed again only when one changes."""
    files = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink() and not is_scratch_file(path.name)
    )
    stamps = []
    for path in files:
        try:
            stamps.append(stamp(path))
        except OSError:
            continue

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


class BuildCache:
    """The fingerprints of the outputs in one folder, and which files each build wrote from
    which document and table, kept in a small JSON file there."""

    def __init__(self, out_dir: Path) -> None:
        self.file = out_dir / CACHE_NAME
        self.entries: dict[str, str] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        try:
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(loaded, dict) and loaded.get("version") == 2:
            digests, outputs = loaded.get("digests"), loaded.get("outputs")
            self.entries = digests if isinstance(digests, dict) else {}
            self.outputs = outputs if isinstance(outputs, dict) else {}
        elif isinstance(loaded, dict):
            self.entries = loaded  # the first format: fingerprints only

    def unchanged(self, stem: Path, digest: str, formats: list[str]) -> bool:
        """Whether `stem`'s outputs exist and were built from exactly these inputs."""
        return self.entries.get(str(stem)) == digest and all(
            stem.with_name(f"{stem.name}.{fmt}").is_file() for fmt in formats
        )

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
        state = {"version": 2, "digests": self.entries, "outputs": self.outputs}
        text = json.dumps(state, indent=0, sort_keys=True)
        write_atomically(self.file, text.encode("utf-8"))
