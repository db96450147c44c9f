"""Turn a Jinja failure into a `TemplateError` naming the template file and line."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from toolkit.errors import TemplateError
from toolkit.sandbox import RenderTimeout


def template_error(exc: BaseException, file: Path) -> TemplateError:
    """Name the template line where `exc` happened (Jinja keeps it in the traceback)."""
    line = getattr(exc, "lineno", None)
    if line is None:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename in (str(file), "<template>"):
                line = tb.tb_lineno
            tb = tb.tb_next
    if isinstance(exc, RenderTimeout):
        what = f"the template took too long to fill and was stopped ({exc})"
    elif isinstance(exc, SecurityError):
        what = f"the template tried something unsafe and was stopped ({exc})"
    elif isinstance(exc, jinja2.UndefinedError):
        what = f"the template uses a value the document does not have ({exc.message})"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        what = f"template syntax error: {exc.message}"
    elif isinstance(exc, jinja2.TemplateError):
        what = f"template error: {exc}"
    else:
        what = f"the template failed: {type(exc).__name__}: {exc}"
    return TemplateError(what, file=file, line=line)
