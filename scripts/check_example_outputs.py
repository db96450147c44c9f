"""Check that a folder holds a PDF and a DOCX for every example, each with its title inside.

Used by `make packaging-check` on what a non-editable install built.
"""

from __future__ import annotations

import sys
from pathlib import Path

import docx
from pypdf import PdfReader

from toolkit import api


def main(out: Path) -> int:
    examples = Path(__file__).resolve().parent.parent / "examples"
    failures = 0
    for job in api.plan([examples], out).jobs:
        title = " ".join(api.check(api.load(job.source)).context.title.split())
        pdf, word = job.stem.with_suffix(".pdf"), job.stem.with_suffix(".docx")
        pdf_text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
        docx_text = " ".join(p.text for p in docx.Document(str(word)).paragraphs)
        for name, text in ((pdf, pdf_text), (word, docx_text)):
            ok = title in text
            failures += not ok
            print(f"{name}: {'ok' if ok else 'title missing'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
