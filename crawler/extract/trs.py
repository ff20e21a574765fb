"""TRS WCM pages — ministries, provinces, large SOEs.

Lists: ``index.html``, then ``index_1.html``, ``index_2.html`` … (page 2 is ``index_1``), the
page count from ``createPageHTML(pages, current, "index", "html")`` or ``countPage = N``.
Articles live at ``…/<YYYYMM>/t<YYYYMMDD>_<id>.html`` with the body in ``.TRS_Editor`` (newer
``.TRS_UEDITOR``) and title, date, source and column in ``<meta>`` tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from parsel import Selector

from crawler.extract.generic import GenericDetail
from crawler.extract.listing import ListBase, PageRef, entries_of, main_list_links
from crawler.extract.pagemeta import script_text
from crawler.extract.urls import absolute_url
from crawler.extract.walk import Marker, Markers, PageSelector
from crawler.items import ListEntry

# The body containers, most specific first; any of them marks an article page.
BODY_MARKERS = (
    (Marker("div", "class", "in", "TRS_UEDITOR"), Marker("div", "class", "in", "trs_editor_view")),
    (Marker("div", "class", "in", "TRS_Editor"),),
    (Marker("td", "id", "=", "td_DocContent"), Marker("div", "id", "=", "td_DocContent")),
)
DETAIL_MARKERS = Markers(*(marker for markers in BODY_MARKERS for marker in markers))
LIST_HINTS = ("createPageHTML", "countPage", "/t20", "/t19")
_CREATE_PAGE = re.compile(
    r"createPageHTML\(\s*[\"']?(\d+)[\"']?\s*,\s*[\"']?\d+[\"']?\s*,\s*[\"'](\w+)[\"']\s*,"
    r"\s*[\"'](\w+)[\"']"
)
_COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*[\"']?(\d+)")
_DETAIL_URL = re.compile(r"/\d{6}/t\d{8}_\d+\.s?html?$")


def matches_detail(sel: PageSelector) -> bool:
    return DETAIL_MARKERS.first(sel) is not None


def matches_list(sel: Selector) -> bool:
    scripts = script_text(sel)
    if _CREATE_PAGE.search(scripts) or _COUNT_PAGE.search(scripts):
        return True
    hrefs = sel.css("a::attr(href)").getall()
    return sum(1 for href in hrefs if _DETAIL_URL.search(href)) >= 3


@dataclass(frozen=True)
class TrsDetail(GenericDetail):
    family: ClassVar[str] = "trs"
    BODY_MARKERS: ClassVar[tuple[Markers, ...]] = tuple(Markers(*m) for m in BODY_MARKERS)


@dataclass(frozen=True)
class TrsList(ListBase):
    layout: ClassVar[str] = "trs"

    @cached_property
    def _entries(self) -> list[ListEntry]:
        """Links to TRS detail URLs (``t<YYYYMMDD>_<id>``) of the main list, else its links."""
        links = main_list_links(self.sel)
        detail = [link for link in links if _DETAIL_URL.search(link.get("href") or "")]
        if not detail:
            detail = [a for a in self.sel.root.xpath("//body//a[@href]")
                      if _DETAIL_URL.search(a.get("href") or "")]  # fmt: skip
        return entries_of(self.url, detail or links)

    def page_urls(self) -> list[PageRef]:
        found = self._paging()
        if found is None:
            return []
        pages, stem, extension = found
        return [PageRef(absolute_url(self.url, f"{stem}_{n - 1}.{extension}") or "")
                for n in range(2, pages + 1)]  # fmt: skip

    def _paging(self) -> tuple[int, str, str] | None:
        """(pages, file stem, extension) from the paging script."""
        scripts = script_text(self.sel)
        created = _CREATE_PAGE.search(scripts)
        if created:
            return int(created.group(1)), created.group(2), created.group(3)
        counted = _COUNT_PAGE.search(scripts)
        if counted:
            name = self.url.rsplit("/", 1)[-1]
            extension = name.rsplit(".", 1)[-1] if "." in name else "html"
            return int(counted.group(1)), "index", extension
        return None
