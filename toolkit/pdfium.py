"""PDFium, which must never be called from two threads at once, behind one lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# PDFium keeps process-wide state: two threads in it at the same time, even with different
# documents, crash the process (pypdfium2 says so too). Every use holds this lock from
# opening a document to closing it, so that the pages and pictures it makes are freed
# inside it as well.
_LOCK = threading.RLock()


@contextmanager
def opened(pdf: bytes | Path) -> Iterator[Any]:
    """A pypdfium2 document of `pdf`, for this thread alone, closed on leaving. Raises
    `pypdfium2.PdfiumError` for a file PDFium cannot read."""
    import pypdfium2

    with _LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            yield document
        finally:
            document.close()
