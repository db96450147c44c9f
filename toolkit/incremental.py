"""Skip outputs whose inputs have not changed since they were written."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from toolkit import __version__
from toolkit.context import DocumentContext
from toolkit.document import LoadedDocument
from toolkit.model import Campaign, Letter, SignOnSheet
from toolkit.output import write_atomically

CACHE_NAME = ".unionkit-build.json"


def dependencies(document: LoadedDocument, context: DocumentContext) -> list[Path]:
    """Every file a document's outputs depend on, besides its template folder."""
    model = document.model
    here = document.source.file.parent
    files = [document.source.file, *context.allowed_files]
    campaign = model.campaign
    name = campaign if isinstance(campaign, str) else getattr(campaign, "file", None)
    if isinstance(campaign, Campaign | str) and name:
        files.append(here / name)
    if isinstance(model, Letter) and isinstance(model.signatories, str):
        files.append(here / model.signatories)
    if isinstance(model, SignOnSheet):
        files.append(here / model.letter)
    return files


_FOLDERS: dict[tuple[Path, tuple[tuple[str, int, int], ...]], str] = {}


def _folder_digest(folder: Path) -> str:
    """A fingerprint of a template folder's files, hashed again only when one changes."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    stamps = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    key = (folder, stamps)
    if key not in _FOLDERS:
        digest = hashlib.sha256()
        for path in files:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
        _FOLDERS[key] = digest.hexdigest()
    return _FOLDERS[key]


def input_digest(
    document: LoadedDocument, context: DocumentContext, settings: dict[str, object]
) -> str:
    """A fingerprint of everything that shapes the outputs: the files, the template folder,
    the build's settings, `SOURCE_DATE_EPOCH` and unionkit's version (which covers its fonts)."""
    digest = hashlib.sha256()
    digest.update(__version__.encode())
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for path in dependencies(document, context):
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    digest.update(_folder_digest(document.template.folder).encode())
    return digest.hexdigest()


class BuildCache:
    """The fingerprints of the outputs in one folder, kept in a small JSON file there."""

    def __init__(self, out_dir: Path) -> None:
        self.file = out_dir / CACHE_NAME
        try:
            loaded = json.loads(self.file.read_text(encoding="utf-8"))
            self.entries: dict[str, str] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.entries = {}

    def unchanged(self, stem: Path, digest: str, formats: list[str]) -> bool:
        """Whether `stem`'s outputs exist and were built from exactly these inputs."""
        return self.entries.get(str(stem)) == digest and all(
            stem.with_name(f"{stem.name}.{fmt}").is_file() for fmt in formats
        )

    def save(self) -> None:
        text = json.dumps(self.entries, indent=0, sort_keys=True)
        write_atomically(self.file, text.encode("utf-8"))
