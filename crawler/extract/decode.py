"""Bytes → text: HTTP header charset, then BOM, then ``<meta>`` charset, then detection.

w3lib implements the browser's order and maps the legacy labels (gb2312 → gb18030, big5 →
big5hkscs-compatible) as the WHATWG encoding standard says.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode


def decode_html(body: bytes, *, http_charset: str | None = None) -> str:
    """Decode a page the way a browser would; undecodable bytes become U+FFFD, never an error."""
    content_type = f"text/html; charset={http_charset}" if http_charset else None
    _encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_guess_chinese)
    return text


def _guess_chinese(body: bytes) -> str | None:
    """Undeclared pages: UTF-8 when it decodes, else GB18030 (a superset of GBK and GB2312)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def decode_text(data: bytes) -> str:
    """A plain-text file: BOM or UTF-8 when it decodes, else GB18030; never an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    encoding = _guess_chinese(data) or "utf-8"
    return data.decode(encoding, errors="replace")
