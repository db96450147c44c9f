"""The build's date: now, or `SOURCE_DATE_EPOCH` when set, so builds can be reproduced."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from toolkit.errors import UnionkitError


def creation_date() -> datetime:
    """Now (to the second), or the time `SOURCE_DATE_EPOCH` gives."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise UnionkitError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a usable date: give seconds since 1970,"
            " e.g. 1386806400, or unset it",
            file="SOURCE_DATE_EPOCH",
        ) from None
