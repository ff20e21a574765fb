"""Pure extraction: ``extract(url, html)`` → ``Article`` or None. No Scrapy, no I/O.

Layouts are tried in order; the first whose template markers match the page reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parsel import Selector

from crawler.errors import ExtractError
from crawler.extract.decode import Undecodable, decode_html
from crawler.extract.generic import GenericDetail
from crawler.extract.yun300 import (
    Yun300Detail,
    Yun300List,
    file_article,
    matches_detail,
    matches_list,
)
from crawler.items import Article
from crawler.text import strip_ruby

__all__ = [
    "LAYOUTS",
    "Layout",
    "Yun300List",
    "declared_url",
    "extract",
    "file_article",
    "parse_list",
    "selector_for",
]


@dataclass(frozen=True)
class Layout:
    name: str
    matches: Callable[[Selector], bool]
    read: Callable[[str, Selector], Article | None]


def _read_yun300(url: str, sel: Selector) -> Article:
    return Yun300Detail(url, sel).to_article()


def _read_generic(url: str, sel: Selector) -> Article | None:
    page = GenericDetail(url, sel)
    return page.to_article() if page.is_article() else None


def _is_not_list(sel: Selector) -> bool:
    return not matches_list(sel)


LAYOUTS: tuple[Layout, ...] = (
    Layout("yun300", matches_detail, _read_yun300),
    Layout("generic", _is_not_list, _read_generic),
)


def selector_for(html: str | bytes, *, url: str = "", http_charset: str | None = None) -> Selector:
    """A parsel Selector over the page text, ruby annotations already dropped.

    Raises ``ExtractError`` ("undecodable: …") for bytes no charset reads cleanly.
    """
    if isinstance(html, bytes):
        try:
            html = decode_html(html, http_charset=http_charset)
        except Undecodable as exc:
            raise ExtractError(url, f"undecodable: {exc}") from exc
    return Selector(text=strip_ruby(html))


def extract(url: str, html: str | bytes, *, http_charset: str | None = None) -> Article | None:
    """The article on the page at ``url``, or None when the page is not an article.

    ``html`` may be bytes: they are decoded by ``http_charset`` (the HTTP header's), then the
    page's ``<meta>`` charset, each only when the bytes decode cleanly with it, then detection
    (see ``crawler.extract.decode``). Raises ``ExtractError`` for bytes that no charset reads
    and for a page that has an article layout's markers but cannot be read as an article.
    """
    sel = selector_for(html, url=url, http_charset=http_charset)
    for layout in LAYOUTS:
        if layout.matches(sel):
            return layout.read(url, sel)
    return None


def declared_url(html: str | bytes) -> str | None:
    """The absolute URL a saved page names for itself (canonical link or og:url), if any."""
    sel = selector_for(html)
    found = sel.css("link[rel=canonical]::attr(href), meta[property='og:url']::attr(content)")
    url = (found.get() or "").strip()
    return url if url.startswith(("http://", "https://")) else None


def parse_list(url: str, html: str | bytes, *, http_charset: str | None = None) -> Yun300List:
    return Yun300List(url, selector_for(html, url=url, http_charset=http_charset))
