"""Drop ``<ruby>`` annotations from HTML: ``<ruby>安<rt>ān</rt></ruby>`` → ``<ruby>安</ruby>``."""

from __future__ import annotations

import re

# <rt>/<rp> up to its end tag, or (end tags are optional in HTML) up to the next annotation or
# the end of the ruby element.
_ANNOTATION = re.compile(
    r"<(rt|rp|rtc)\b[^>]*>.*?(?:</\1\s*>|(?=<r[tp]c?\b|</ruby\s*>))",
    re.IGNORECASE | re.DOTALL,
)


def strip_ruby(html: str) -> str:
    """Remove ``rt``/``rp``/``rtc`` annotations from HTML, keeping the base text."""
    if "<r" not in html and "<R" not in html:
        return html
    return _ANNOTATION.sub("", html)
