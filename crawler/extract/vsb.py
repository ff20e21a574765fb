"""博达 VSB (Visual SiteBuilder) pages — universities, party schools, hospitals.

Lists: ``<col>.htm`` is page 1, then ``<col>/<N>.htm`` with N counting down, so page 2 has
the highest number and the last page is ``1.htm``. Rows are ``li``/``tr`` with ids
``line_u…``. Articles keep their body in ``#vsb_content…`` / ``.v_news_content`` inside the
``_newscontent_fromname`` form; the click count is filled by script, so it is never read.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

from parsel import Selector

from crawler.extract.generic import GenericDetail
from crawler.extract.listing import ListBase, PageRef
from crawler.extract.pagemeta import script_text
from crawler.extract.urls import absolute_url
from crawler.extract.walk import Marker, Markers, PageSelector

LIST_HINTS = ("line_u", "fanye", "p_no_d", "_simple_list_gotopage_fun")
LIST_MARKERS = (
    "//li[starts-with(@id,'line_u')] | //tr[starts-with(@id,'line_u')]"
    " | //td[starts-with(@id,'fanye')] | //div[starts-with(@id,'fanye')] | //span[@class='p_no_d']"
)
_PAGER = re.compile(r"共\s*\d+\s*条\s*(?:\d+\s*/\s*(\d+))?")
_GOTO_PAGE = re.compile(r"_simple_list_gotopage_fun\(\s*(\d+)")
_COUNTDOWN_PAGE = re.compile(r"/(\d+)\.html?$")


NEWS_FORM = Marker("form", "name", "=", "_newscontent_fromname")
NEWS_CONTENT = Marker("div", "class", "in", "v_news_content")
VSB_CONTENT = Marker("div", "id", "starts", "vsb_content")
DETAIL_MARKERS = Markers(NEWS_FORM, VSB_CONTENT, NEWS_CONTENT)


def matches_detail(sel: PageSelector) -> bool:
    """The news form, or a ``vsb_content…`` / ``v_news_content`` div."""
    return DETAIL_MARKERS.first(sel) is not None


def matches_list(sel: Selector) -> bool:
    return bool(sel.root.xpath(LIST_MARKERS))


@dataclass(frozen=True)
class VsbDetail(GenericDetail):
    family: ClassVar[str] = "vsb"
    BODY_MARKERS: ClassVar[tuple[Markers, ...]] = (Markers(NEWS_CONTENT), Markers(VSB_CONTENT))
    ATTACHMENT_MARKERS: ClassVar[Markers] = Markers(NEWS_FORM)

    def views(self) -> int | None:
        return None  # the count is filled by _showDynClicks(): a number here would be a guess


@dataclass(frozen=True)
class VsbList(ListBase):
    layout: ClassVar[str] = "vsb"
    ROW_LINKS: ClassVar[tuple[str, ...]] = (
        "li[id^='line_u'] a[href]",
        "tr[id^='line_u'] a[href]",
        "ul#newslist li a[href]",
    )

    def page_urls(self) -> list[PageRef]:
        """Pages 2…M: ``<col>/<M-1>.htm`` down to ``<col>/1.htm``."""
        total = self._page_total()
        folder = self._column_folder()
        if total is None or total < 2 or folder is None:
            return []
        return [PageRef(f"{folder}/{total - page + 1}.htm") for page in range(2, total + 1)]

    def _page_total(self) -> int | None:
        """M, from ``共X条 N/M``, the pager script, or the number of page 2 (M - 1)."""
        text = " ".join(self.sel.xpath("//body//text()[contains(., '条')]").getall())
        found = _PAGER.search(text)
        if found and found.group(1):
            return int(found.group(1))
        script = _GOTO_PAGE.search(script_text(self.sel))
        if script:
            return int(script.group(1))
        next_href = self.sel.css("a.Next::attr(href)").get()
        number = _COUNTDOWN_PAGE.search(absolute_url(self.url, next_href or "") or "")
        return int(number.group(1)) + 1 if number else None

    def _column_folder(self) -> str | None:
        """``http://host/dwgz/djdt`` for page 1 at ``…/djdt.htm`` (or a later ``…/djdt/N.htm``)."""
        parts = urlsplit(self.url)
        path = parts.path
        if _COUNTDOWN_PAGE.search(path):
            folder = posixpath.dirname(path)
        elif path.endswith((".htm", ".html")):
            folder = posixpath.splitext(path)[0]
        else:
            return None
        return urlunsplit((parts.scheme, parts.netloc, folder, "", ""))
