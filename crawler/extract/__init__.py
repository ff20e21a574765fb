"""Pure extraction: ``extract(url, html)`` → ``Article`` or None. No Scrapy, no I/O.

Layouts are tried in order; the first whose template markers match the page reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parsel import Selector

from crawler.errors import ExtractError
from crawler.extract import hanweb, trs, vsb
from crawler.extract.decode import Undecodable, decode_html
from crawler.extract.generic import GenericDetail
from crawler.extract.hanweb import HanwebDetail, HanwebList
from crawler.extract.listing import GenericList, ListPage, PageRef
from crawler.extract.trs import TrsDetail, TrsList
from crawler.extract.vsb import VsbDetail, VsbList
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
    "LIST_LAYOUTS",
    "Layout",
    "ListLayout",
    "ListPage",
    "PageRef",
    "Yun300List",
    "declared_url",
    "extract",
    "file_article",
    "find_list",
    "parse_list",
    "selector_for",
]


@dataclass(frozen=True)
class Layout:
    name: str
    matches: Callable[[Selector], bool]
    read: Callable[[str, Selector], Article | None]


@dataclass(frozen=True)
class ListLayout:
    name: str
    matches: Callable[[Selector], bool]
    page: Callable[[str, Selector], ListPage]


def _read_yun300(url: str, sel: Selector) -> Article:
    return Yun300Detail(url, sel).to_article()


def _reader(page_class: type[GenericDetail]) -> Callable[[str, Selector], Article | None]:
    def read(url: str, sel: Selector) -> Article | None:
        page = page_class(url, sel)
        return page.to_article() if page.is_article() else None

    return read


def _is_not_list(sel: Selector) -> bool:
    return not matches_list(sel)


def _always(sel: Selector) -> bool:
    return True


# Detail layouts, most specific markers first; generic reads whatever is left.
LAYOUTS: tuple[Layout, ...] = (
    Layout("yun300", matches_detail, _read_yun300),
    Layout("vsb", vsb.matches_detail, _reader(VsbDetail)),
    Layout("trs", trs.matches_detail, _reader(TrsDetail)),
    Layout("hanweb", hanweb.matches_detail, _reader(HanwebDetail)),
    Layout("generic", _is_not_list, _reader(GenericDetail)),
)
# List layouts, tried on a section's first page; later pages are read by the same layout.
LIST_LAYOUTS: tuple[ListLayout, ...] = (
    ListLayout("yun300", matches_list, Yun300List),
    ListLayout("vsb", vsb.matches_list, VsbList),
    ListLayout("hanweb", hanweb.matches_list, HanwebList),
    ListLayout("trs", trs.matches_list, TrsList),
    ListLayout("generic", _always, GenericList),
)


def page_text(html: str | bytes, *, url: str = "", http_charset: str | None = None) -> str:
    """The page as text, ruby annotations dropped (see ``crawler.extract.decode``).

    Raises ``ExtractError`` ("undecodable: …") for bytes no charset reads cleanly.
    """
    if isinstance(html, bytes):
        try:
            html = decode_html(html, http_charset=http_charset)
        except Undecodable as exc:
            raise ExtractError(url, f"undecodable: {exc}") from exc
    return strip_ruby(html)


def selector_for(html: str | bytes, *, url: str = "", http_charset: str | None = None) -> Selector:
    """A parsel Selector over the page text, ruby annotations already dropped."""
    return Selector(text=page_text(html, url=url, http_charset=http_charset))


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


def find_list(url: str, sel: Selector) -> ListPage | None:
    """The list page object of the first list layout that reads ``sel`` as a list, or None."""
    for layout in LIST_LAYOUTS:
        if layout.matches(sel):
            page = layout.page(url, sel)
            if layout.name != "generic" or page.is_list():
                return page
    return None


def parse_list(
    url: str, html: str | bytes, *, http_charset: str | None = None, layout: str | None = None
) -> ListPage | None:
    """The list page at ``url``: read by ``layout`` (a later page of a section whose first page
    chose it), else by the first list layout that matches; None when it is no list."""
    text = page_text(html, url=url, http_charset=http_charset)
    sel = Selector(text=hanweb.records_page(text) or text)
    if layout is None:
        return find_list(url, sel)
    chosen = next(choice for choice in LIST_LAYOUTS if choice.name == layout)
    return chosen.page(url, sel)
