"""Pure extraction: ``extract(url, html)`` → ``Article`` or None. No Scrapy, no I/O.

Layouts are tried in order; the first whose template markers match the page reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from lxml import etree
from lxml.html import HTMLParser

from crawler.errors import ExtractError
from crawler.extract import hanweb, trs, vsb
from crawler.extract.content import drop_keep_tail
from crawler.extract.decode import Decoded, Undecodable, decode_body
from crawler.extract.generic import GenericDetail
from crawler.extract.hanweb import HanwebDetail, HanwebList
from crawler.extract.listing import GenericList, ListPage, ListReading, PageRef, read_list
from crawler.extract.trs import TrsDetail, TrsList
from crawler.extract.vsb import VsbDetail, VsbList
from crawler.extract.walk import PageSelector
from crawler.extract.yun300 import (
    LIST_HINTS,
    Yun300Detail,
    Yun300List,
    file_article,
    matches_detail,
    matches_list,
)
from crawler.items import Article

__all__ = [
    "ARTICLE_PAGE",
    "LAYOUTS",
    "LIST_LAYOUTS",
    "PARSER_VERSION",
    "SECTION_PAGE",
    "Layout",
    "ListLayout",
    "ListPage",
    "ListReading",
    "PageRead",
    "PageRef",
    "Yun300List",
    "declared_url",
    "extract",
    "file_article",
    "find_list",
    "parse_list",
    "parser_input",
    "read_page",
    "selector_for",
]

# The version of extraction + cleaning (this package and crawler.text) that articles.parser_version
# records. Bump it with every change to their output; tests/test_parser_version.py fails when the
# expected outputs in tests/pages change and this does not.
PARSER_VERSION = "2026.12.1"


@dataclass(frozen=True)
class Layout:
    """A detail layout: its markers are tested on the page's one walk (``walk.PageSelector``)."""

    name: str
    matches: Callable[[PageSelector], bool]
    read: Callable[[str, PageSelector], Article | None]


@dataclass(frozen=True)
class ListLayout:
    name: str
    hints: tuple[str, ...]  # strings one of which the page's text holds when it may match; ()
    # for any page: list markers sit in scripts too, which no walk of elements reaches.
    matches: Callable[[PageSelector], bool]
    page: Callable[[str, PageSelector], ListPage]

    def may_match(self, text: str) -> bool:
        return not self.hints or any(hint in text for hint in self.hints)


def _read_yun300(url: str, sel: PageSelector) -> Article:
    return Yun300Detail(url, sel).to_article()


def _reader(page_class: type[GenericDetail]) -> Callable[[str, PageSelector], Article | None]:
    def read(url: str, sel: PageSelector) -> Article | None:
        page = page_class(url, sel)
        return page.to_article() if page.is_article() else None

    return read


def _is_not_list(sel: PageSelector) -> bool:
    return not matches_list(sel)


def _always(sel: PageSelector) -> bool:
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
    ListLayout("yun300", LIST_HINTS, matches_list, Yun300List),
    ListLayout("vsb", vsb.LIST_HINTS, vsb.matches_list, VsbList),
    ListLayout("hanweb", hanweb.LIST_HINTS, hanweb.matches_list, HanwebList),
    ListLayout("trs", trs.LIST_HINTS, trs.matches_list, TrsList),
    ListLayout("generic", (), _always, GenericList),
)


def page_text(html: str | bytes, *, url: str = "", http_charset: str | None = None) -> str:
    """The page as text (see ``crawler.extract.decode``).

    Raises ``ExtractError`` ("undecodable: …") for bytes no charset reads cleanly.
    """
    return _decoded(html, url, http_charset).text


def _decoded(html: str | bytes, url: str, http_charset: str | None) -> Decoded:
    if isinstance(html, str):
        return Decoded(html, "", None)
    try:
        return decode_body(html, http_charset=http_charset)
    except Undecodable as exc:
        raise ExtractError(url, f"undecodable: {exc}") from exc


def parser_input(text: str, utf8: bytes | None = None) -> bytes:
    """What libxml2 reads: the page stripped, in UTF-8, without NULs or stray end tags.
    ``utf8``, the page's own bytes when they are ``text`` in UTF-8 already, saves encoding
    the text again (7% of a UTF-8 portal page's extraction, in instructions)."""
    data = utf8.strip() if utf8 is not None else b""
    if not (data and _ENDS_WITHOUT_SPACE.fullmatch(data[:1] + data[-1:])):
        data = text.strip().encode("utf-8")  # str.strip strips more than ASCII spaces
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")
    return _without_stray_end_tags(data)


_ENDS_WITHOUT_SPACE = re.compile(rb"[\x21-\x7f]{2}")  # what neither strip() takes
# libxml2 drops everything after a stray </html> or </body>; the parser closes both at the end.
# Spelled case by case rather than IGNORECASE, and on bytes: the literal "</" lets the regex
# engine skip through a 90 KB page several times faster than a case-blind scan of the text.
_STRAY_END_TAGS = re.compile(rb"</(?:[hH][tT][mM][lL]|[bB][oO][dD][yY])\s*>")
_END_ZONE = 300  # bytes at the page's end where </body></html> belong


def _without_stray_end_tags(data: bytes) -> bytes:
    end = max(len(data) - _END_ZONE, 0)
    lowered = data.lower()  # ASCII letters only: UTF-8's other bytes stay as they are
    if lowered.find(b"</html", 0, end) == -1 and lowered.find(b"</body", 0, end) == -1:
        return data  # a lowering and two byte searches cost less than the regex's scan
    if _STRAY_END_TAGS.search(data, 0, end) is None:
        return data
    return _STRAY_END_TAGS.sub(b"", data)


# What the anti-bot JavaScript challenges of government sites answer instead of the page.
CHALLENGE_MARKS = ("__jsl_clearance", "acw_sc__v2", "Please enable JavaScript",
                   "请开启JavaScript", "請開啟JavaScript")  # fmt: skip
MAX_CHALLENGE_PAGE = 30_000  # characters: a challenge is a small script, not a portal page


def check_not_challenge(url: str, text: str) -> None:
    """Raise ``ExtractError`` (stage fetch) for a JavaScript challenge answered in the page's
    place: it is a failure to fetch, never a page to archive."""
    if len(text) > MAX_CHALLENGE_PAGE:
        return
    for mark in CHALLENGE_MARKS:
        if mark in text:
            reason = f"a JavaScript challenge ({mark}) answered instead of the page"
            raise ExtractError(url, reason, stage="fetch")


def parsed(text: str, utf8: bytes | None = None) -> PageSelector:
    """A parsel Selector over the page, ruby annotations (rt, rp, rtc) dropped from the tree.
    ``utf8``: the page's bytes when they are ``text`` in UTF-8 (``parser_input``)."""
    if _PARSEL_DECIDES.match(text):
        sel = PageSelector(text=text)
    else:
        sel = _html_selector(parser_input(text, utf8))
    annotations = sel.elements("rt", "rp", "rtc")
    if annotations:
        for annotation in annotations:
            drop_keep_tail(annotation)
        sel.forget_walk()
    return sel


# XML (a Hanweb data proxy's answer) and JSON documents: parsel picks their parser.
_PARSEL_DECIDES = re.compile(r"[\s\ufeff]*(?:<\?xml\s|[\[{])")


def _html_selector(data: bytes) -> PageSelector:
    """What ``Selector(text=…)`` builds for an HTML page, without its per-call overhead (a JSON
    parse attempt, a copy of the page to strip NULs that are almost never there)."""
    parser = HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(data or b"<html/>", parser=parser)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser)
    return PageSelector(root=root, type="html")


def selector_for(
    html: str | bytes, *, url: str = "", http_charset: str | None = None
) -> PageSelector:
    """A parsel Selector over the page, ruby annotations already dropped."""
    page = _decoded(html, url, http_charset)
    return parsed(page.text, page.utf8)


def extract(url: str, html: str | bytes, *, http_charset: str | None = None) -> Article | None:
    """The article on the page at ``url``, or None when the page is not an article.

    ``html`` may be bytes: they are decoded by ``http_charset`` (the HTTP header's), then the
    page's ``<meta>`` charset, each only when the bytes decode cleanly with it, then detection
    (see ``crawler.extract.decode``). Raises ``ExtractError`` for bytes that no charset reads
    and for a page that has an article layout's markers but cannot be read as an article;
    a JavaScript challenge answered in the page's place is one too, of stage ``fetch``.
    """
    page = _decoded(html, url, http_charset)
    check_not_challenge(url, page.text)
    sel = parsed(page.text, page.utf8)
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


def find_list(url: str, sel: PageSelector, text: str) -> ListPage | None:
    """The list page object of the first list layout that reads ``sel`` as a list, or None."""
    for layout in LIST_LAYOUTS:
        if layout.may_match(text) and layout.matches(sel):
            page = layout.page(url, sel)
            if layout.name != "generic" or page.is_list():
                return page
    return None


def parse_list(
    url: str, html: str | bytes, *, http_charset: str | None = None, layout: str | None = None
) -> ListPage | None:
    """The list page at ``url``: read by ``layout`` (a later page of a section whose first page
    chose it), else by the first list layout that matches; None when it is no list."""
    page = _decoded(html, url, http_charset)
    check_not_challenge(url, page.text)
    records = hanweb.records_page(page.text)
    text = records or page.text
    sel = parsed(text, None if records else page.utf8)
    if layout is None:
        return find_list(url, sel, text)
    chosen = next(choice for choice in LIST_LAYOUTS if choice.name == layout)
    return chosen.page(url, sel)


@dataclass(frozen=True, slots=True)
class PageRead:
    """How the spider reads a page: as an article, as a section's first list page (any list
    layout, or None when it is none), or as a later list page of ``layout``."""

    kind: Literal["article", "section", "list"]
    layout: str | None = None  # "list": the layout that read the section's first page
    follows_next: bool = False  # "list": the walk goes by the next page's link


ARTICLE_PAGE = PageRead("article")
SECTION_PAGE = PageRead("section")


def read_page(
    how: PageRead, url: str, html: str | bytes, *, http_charset: str | None = None
) -> Article | ListReading | None:
    """The page at ``url`` read as ``how`` says: ``extract`` for an article, ``parse_list``
    then ``read_list`` for a list page. Raises what they raise."""
    if how.kind == "article":
        return extract(url, html, http_charset=http_charset)
    listing = parse_list(url, html, http_charset=http_charset, layout=how.layout)
    if listing is None:
        return None
    return read_list(listing, first_page=how.kind == "section", follows_next=how.follows_next)
