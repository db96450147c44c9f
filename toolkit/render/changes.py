"""An amended text's change marks as Word tracked changes (`w:ins`, `w:del`), which Word and
LibreOffice list, accept and reject."""

from __future__ import annotations

import copy
import itertools
import re
from typing import TYPE_CHECKING, Any

from toolkit.markdown import CHANGE_MARKS, DELETE_END, DELETE_START, INSERT_END, INSERT_START

if TYPE_CHECKING:
    from toolkit.context import Revision

_MARKS = re.compile(f"([{re.escape(CHANGE_MARKS)}])")
# Word gives each tracked change an id; these stay clear of the few a template may hold.
FIRST_ID = 7000


def track_changes(body: Any, revision: Revision) -> None:
    """Rewrite the runs of a Word body (`w:body`) whose text carries change marks: inserted
    text goes into `w:ins`, deleted text into `w:del` (as `w:delText`), both by the
    revision's author and date. A paragraph whose text is all inserted (or all deleted) has
    its paragraph mark inserted (or deleted) too, so accepting or rejecting leaves no empty
    paragraph behind."""
    from docx.oxml.ns import qn

    ids = itertools.count(FIRST_ID)
    stamp = {
        qn("w:author"): revision.author,
        qn("w:date"): revision.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    state = ""
    for paragraph in list(body.iter(qn("w:p"))):
        seen: set[str] = set()
        for run in list(paragraph.iter(qn("w:r"))):
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            if not state and not _MARKS.search(text):
                if text:
                    seen.add("")
                continue
            state = _rewrite_run(run, state, seen, ids, stamp)
        if seen in ({"ins"}, {"del"}):
            _mark_paragraph(paragraph, seen.pop(), next(ids), stamp)


def _rewrite_run(
    run: Any, state: str, seen: set[str], ids: itertools.count[int], stamp: dict[str, str]
) -> str:
    """Replace `run` by runs for each stretch of its text between marks, each inside `w:ins`
    or `w:del` as the marks say; returns the state at its end (inside a change or not)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = run.find(qn("w:rPr"))
    pieces: list[tuple[str, Any]] = []  # (state, element for the new run's content)
    for child in run:
        if child.tag == qn("w:rPr"):
            continue
        if child.tag != qn("w:t"):
            pieces.append((state, child))
            continue
        for part in _MARKS.split(child.text or ""):
            if part in (INSERT_START, DELETE_START):
                state = "ins" if part == INSERT_START else "del"
            elif part in (INSERT_END, DELETE_END):
                state = ""
            elif part:
                text = OxmlElement("w:delText" if state == "del" else "w:t")
                text.text = part
                text.set(qn("xml:space"), "preserve")
                pieces.append((state, text))
                seen.add(state)
    anchor = run
    for piece_state, content in pieces:
        new_run = OxmlElement("w:r")
        if properties is not None:
            new_run.append(copy.deepcopy(properties))
        new_run.append(content)
        element = new_run
        if piece_state:
            element = OxmlElement(f"w:{piece_state}", {qn("w:id"): str(next(ids)), **stamp})
            element.append(new_run)
        anchor.addnext(element)
        anchor = element
    run.getparent().remove(run)
    return state


def _mark_paragraph(paragraph: Any, state: str, change_id: int, stamp: dict[str, str]) -> None:
    """Mark a paragraph's own mark as inserted or deleted."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = paragraph.get_or_add_pPr()
    marks = properties.find(qn("w:rPr"))
    if marks is None:
        marks = OxmlElement("w:rPr")
        # The paragraph mark's properties come last, before a section break or a change.
        following = properties.find(qn("w:sectPr"))
        if following is None:
            following = properties.find(qn("w:pPrChange"))
        if following is None:
            properties.append(marks)
        else:
            following.addprevious(marks)
    marks.insert(0, OxmlElement(f"w:{state}", {qn("w:id"): str(change_id), **stamp}))
