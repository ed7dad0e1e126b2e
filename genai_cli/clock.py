"""The current time: the only place genai reads the clock.

``GENAI_NOW`` (ISO 8601 with an offset, e.g. ``2026-12-01T09:00:00+00:00``) fixes the
time for every command, so a learner's "tomorrow" can be shown and tested without
waiting. Library code takes the time as an argument; only the frame calls ``now``.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo

from genai_cli.errors import UsageError

ENV = "GENAI_NOW"


def now() -> datetime:
    """The current time in UTC, or the time GENAI_NOW names."""
    fixed = os.environ.get(ENV)
    if not fixed:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(fixed.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{ENV} must be an ISO 8601 time such as 2026-12-01T09:00:00+00:00, not {fixed!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # a time without an offset is local time
    return moment.astimezone(timezone.utc)


def local_zone() -> tzinfo:
    """The local time zone (its offset at GENAI_NOW's moment when that is set)."""
    return now().astimezone().tzinfo or timezone.utc
