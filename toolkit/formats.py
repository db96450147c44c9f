"""The output formats and PDF standards unionkit writes (no imports: the CLI reads them)."""

from __future__ import annotations

FORMATS = ("pdf", "docx")
# The PDF standards WeasyPrint writes that suit these documents (a test holds each to
# WeasyPrint's own list): archiving (PDF/A), accessibility (PDF/UA), print shops (PDF/X).
PDF_VARIANTS = (
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
    "pdf/ua-1", "pdf/ua-2", "pdf/x-1a", "pdf/x-3", "pdf/x-4",
)  # fmt: skip
