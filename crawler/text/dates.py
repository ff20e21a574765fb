"""Chinese publication dates → ISO 8601, with python-dateutil doing the calendar work."""

from __future__ import annotations

import re
from datetime import timedelta, timezone

from dateutil.parser import isoparse

CHINA_TIME = timezone(timedelta(hours=8), "CST")

# 2024-01-29 09:58, 2024/1/5 8:03:12, 2024.03.08, 2024年01月29日 09:58, 2024年1月29日09时58分
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号號]?"
    r"(?:[\sT]*(?P<H>\d{1,2})\s*[:：时時点點]\s*(?P<M>\d{1,2})"
    r"(?:\s*[:：分]\s*(?P<S>\d{1,2}))?\s*秒?)?"
)


def parse_published_at(text: str) -> str | None:
    """The first date in ``text`` as ``2024-01-29T09:58:00+08:00`` or ``2024-01-29``.

    Times are China time. Returns None when no valid date is found; the caller keeps the raw
    string rather than a guess.
    """
    match = _DATE.search(text)
    if match is None:
        return None
    parts = match.groupdict()
    has_time = parts["H"] is not None
    # ISO 8601 for dateutil's strict (and fast) parser, which checks the calendar.
    stamp = f"{parts['y']}-{parts['m']:0>2}-{parts['d']:0>2}"
    if has_time:
        stamp += f"T{parts['H']:0>2}:{parts['M']:0>2}:{parts['S'] or '0':0>2}"
    try:
        parsed = isoparse(stamp)
    except (ValueError, OverflowError):
        return None
    if not has_time:
        return parsed.date().isoformat()
    return parsed.replace(tzinfo=CHINA_TIME).isoformat(timespec="seconds")
