"""Section list pages of any template: entries, the section's other pages, the column's name.

Every list page object answers the same questions, so the spider only follows what it gives:
``article_entries()`` (files included, in list order), ``page_urls()`` (the section's pages 2…N
when this page tells them all), ``next_page()`` (when it only links to the next one),
``section()`` and ``page_count()``. ``GenericList`` reads the page's main list block: the block
with the most dated links, never the menus, footers or sidebars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Protocol

from lxml import html
from parsel import Selector

from crawler.extract.pagemeta import page_metas, script_text, section_of_page
from crawler.extract.urls import absolute_url, canonical_url, site_of
from crawler.extract.walk import PageSelector
from crawler.items import ListEntry
from crawler.text import clean_line, parse_published_at

_LIST_DATE = re.compile(r"(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
ROW_TAGS = frozenset(("li", "tr", "dd", "dt", "p", "div", "span", "td", "h3", "h4"))
NEXT_PAGE_TEXTS = frozenset("下一页 下一頁 下页 下頁 > › » 后页 後頁 next".split())
MIN_LIST_ENTRIES = 3  # fewer dated links than this is a page that links to some articles


@dataclass(frozen=True)
class PageRef:
    """How to ask for one list page: a GET of ``url``, or a POST of ``form`` to it."""

    url: str
    form: tuple[tuple[str, str], ...] | None = None

    def form_dict(self) -> dict[str, str] | None:
        return dict(self.form) if self.form is not None else None


class ListPage(Protocol):
    """What the spider asks of a list page, whatever its family."""

    layout: ClassVar[str]  # its LIST_LAYOUTS name: later pages of the section are read by it

    def section(self) -> str | None: ...
    def article_entries(self) -> list[ListEntry]: ...
    def page_urls(self) -> list[PageRef]: ...
    def next_page(self) -> PageRef | None: ...
    def page_count(self) -> int | None: ...
    def page_size(self) -> int | None: ...
    def is_list(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ListReading:
    """What the spider follows on one list page, read out of its page object as plain values
    (so that a page read in an extraction process, ``crawler.offload``, comes back whole)."""

    layout: str  # the LIST_LAYOUTS name that read it
    entries: tuple[ListEntry, ...]
    section: str | None = None  # on a section's first page only (later pages may not show it)
    page_urls: tuple[PageRef, ...] = ()  # pages 2…N, on a section's first page only
    page_size: int | None = None  # on a section's first page only
    next_page: PageRef | None = None  # when the walk goes by next links


def read_list(page: ListPage, *, first_page: bool, follows_next: bool = False) -> ListReading:
    """``page`` as the spider follows it: on a section's first page its name, its other pages
    and their size; the next page's link when there are none (or ``follows_next``)."""
    entries = tuple(page.article_entries())
    if not first_page:
        following = page.next_page() if follows_next else None
        return ListReading(page.layout, entries, next_page=following)
    page_urls = tuple(page.page_urls())
    return ListReading(page.layout, entries, section=page.section(), page_urls=page_urls,
                       page_size=page.page_size(),
                       next_page=None if page_urls else page.next_page())  # fmt: skip


@dataclass(frozen=True)
class ListBase:
    """What every family's list page shares: entries read from links with their row's date."""

    url: str
    sel: PageSelector
    layout: ClassVar[str] = "generic"
    ROW_LINKS: ClassVar[tuple[str, ...]] = ()  # the family's row markup, tried first

    def section(self) -> str | None:
        return section_of_page(self.sel, page_metas(self.sel), list_page=True)

    def article_entries(self) -> list[ListEntry]:
        return self._entries

    @cached_property
    def _entries(self) -> list[ListEntry]:
        for css in self.ROW_LINKS:
            found = entries_of(self.url, [node.root for node in self.sel.css(css)])
            if found:
                return found
        return entries_of(self.url, main_list_links(self.sel))

    def page_urls(self) -> list[PageRef]:
        return []

    def next_page(self) -> PageRef | None:
        return None  # the families name their pages in page_urls(); only GenericList follows

    def page_count(self) -> int | None:
        pages = self.page_urls()
        return len(pages) + 1 if pages else None

    def page_size(self) -> int | None:
        return len(self._entries) or None

    def is_list(self) -> bool:
        return len(self._entries) >= MIN_LIST_ENTRIES


@dataclass(frozen=True)
class GenericList(ListBase):
    """A list of any template: pages 2…N when the pager shows a total and a numbered link,
    else the "下一页" link."""

    layout: ClassVar[str] = "generic"

    def page_urls(self) -> list[PageRef]:
        total = page_total(self.sel)
        template = _numbered_page_link(self.url, self.sel)
        if total is None or template is None or total > MAX_PAGES:
            return []
        return [PageRef(template.format(n=n)) for n in range(2, total + 1)]

    def next_page(self) -> PageRef | None:
        return next_page_link(self.url, self.sel)


MAX_PAGES = 5000  # a pager claiming more is misread; the "下一页" walk takes over
_TOTALS = (
    re.compile(r"共\s*(\d+)\s*页"),
    re.compile(r"(?:totalPage|pageCount|countPage|page_count)\s*[=:]\s*[\"']?(\d+)"),
    re.compile(r"第?\s*\d+\s*/\s*(\d+)\s*页"),
)
# Page 2's link in the forms plain CMSs use: ?page=2, ?pageNum=2, index_2.html, list_2.html.
_PAGE_TWO = re.compile(
    r"(?P<head>(?:[?&](?:page|pageNum|pageNo|p)=)|_)2(?P<tail>(?:\.s?html?|&|$))"
)


def page_total(sel: Selector) -> int | None:
    """The number of pages a pager or its script states, if one does."""
    text = " ".join(sel.xpath("//body//text()[contains(., '页') or contains(., '/')]").getall())
    scripts = script_text(sel)
    for pattern, haystack in zip(_TOTALS, (text, scripts, text), strict=True):
        found = pattern.search(haystack)
        if found:
            return int(found.group(1))
    return None


def _numbered_page_link(base_url: str, sel: Selector) -> str | None:
    """A format string (``{n}`` for the page number) made from the pager's link to page 2."""
    for link in sel.root.xpath("//body//a[@href]"):
        if clean_line(link.text_content()) != "2":
            continue
        url = absolute_url(base_url, link.get("href") or "") or ""
        found = _PAGE_TWO.search(url)
        if found:
            head, tail = url[: found.end("head")], url[found.start("tail") :]
            return _braces(head) + "{n}" + _braces(tail)
    return None


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def entries_of(base_url: str, links: list[html.HtmlElement]) -> list[ListEntry]:
    """List entries of links in order: one per URL, titled by @title or their text, dated by
    their row."""
    found: dict[str, ListEntry] = {}
    for link in links:
        href = absolute_url(base_url, link.get("href") or "")
        if href is None:
            continue
        url = canonical_url(href)
        title = clean_line(link.get("title") or link.text_content())
        if url not in found and title:
            found[url] = ListEntry(url=url, title=title, date=_row_date(link))
    return list(found.values())


def _row_date(link: html.HtmlElement) -> str | None:
    """The date printed beside a link: in its row, one to three levels up."""
    element = link.getparent()
    for _level in range(3):
        if element is None:
            return None
        date = parse_published_at(element.text_content())
        if date:
            return date[:10]
        element = element.getparent()
    return None


def main_list_links(sel: Selector) -> list[html.HtmlElement]:
    """The same-site article links of the page's main list: the block with most dated rows."""
    groups: dict[html.HtmlElement, list[html.HtmlElement]] = {}
    rows_seen: set[html.HtmlElement] = set()
    for link in sel.root.xpath("//body//a[@href]"):
        row = _dated_row(link)
        if row is None or row in rows_seen:
            continue
        rows_seen.add(row)
        container = row.getparent()
        if container is not None:
            groups.setdefault(container, []).append(link)
    lists = [links for container, links in groups.items() if not _in_frame(container)]
    best = max(lists, key=len, default=[])
    return best if len(best) >= MIN_LIST_ENTRIES else []


# Words in the class or id of the page frame around a list: menus, sidebars, footers.
FRAME_WORDS = ("side", "nav", "menu", "foot", "header", "hot", "recommend", "rank", "friend",
               "tuijian", "remen", "links", "bottom")  # fmt: skip


def _in_frame(element: html.HtmlElement | None) -> bool:
    """True for an element in the page's frame (a sidebar, a menu, a footer)."""
    while element is not None and isinstance(element.tag, str):
        if element.tag in ("nav", "footer", "header", "aside"):
            return True
        marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if any(word in marks for word in FRAME_WORDS):
            return True
        element = element.getparent()
    return False


def _dated_row(link: html.HtmlElement) -> html.HtmlElement | None:
    """The row (li, tr, …) holding ``link`` and a date, if the link sits in one."""
    element = link.getparent()
    for _level in range(3):
        if element is None or not isinstance(element.tag, str):
            return None
        if element.tag in ROW_TAGS and _LIST_DATE.search(element.text_content()):
            return element if len(element.xpath(".//a[@href]")) <= 3 else None
        element = element.getparent()
    return None


def next_page_link(base_url: str, sel: Selector) -> PageRef | None:
    """The pager's "下一页" link, when it leads to another page of the same site."""
    for link in sel.root.xpath("//body//a[@href]"):
        text = clean_line(link.text_content()).strip("[]【】 ").lower()
        if text not in NEXT_PAGE_TEXTS:
            continue
        url = absolute_url(base_url, link.get("href") or "")
        if url and url != base_url and site_of(url) == site_of(base_url):
            return PageRef(url)
    return None
