"""Drop ``<ruby>`` annotations from HTML: ``<ruby>安<rt>ān</rt></ruby>`` → ``<ruby>安</ruby>``."""

from __future__ import annotations

import re

# An <rtc> container of annotations, up to its end tag or the end of the ruby element.
_CONTAINER = re.compile(r"<rtc\b[^>]*>.*?(?:</rtc\s*>|(?=</ruby\s*>))", re.IGNORECASE | re.DOTALL)
# <rt>/<rp> up to its end tag, or (end tags are optional in HTML) up to the next annotation or
# the end of the ruby element.
_ANNOTATION = re.compile(
    r"<(rt|rp)\b[^>]*>.*?(?:</\1\s*>|(?=<r[tp]\b|</ruby\s*>))", re.IGNORECASE | re.DOTALL
)


def strip_ruby(html: str) -> str:
    """Remove ``rt``/``rp``/``rtc`` annotations from HTML, keeping the base text."""
    if "<r" not in html and "<R" not in html:
        return html
    return _ANNOTATION.sub("", _CONTAINER.sub("", html))
