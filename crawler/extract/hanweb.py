"""大汉 Hanweb JCMS pages — provincial and city governments.

Columns live at ``/col/col<ID>/index.html``. Their entries come embedded in a
``<script type="text/xml">`` block (``<record><![CDATA[<li>…</li>]]></record>``), the rest from
``/module/web/jpage/dataproxy.jsp``, which answers the same records as XML, a group of pages
at a time. Articles keep their body in ``#zoom`` and title, date and source in ``<meta>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from crawler.extract.generic import GenericDetail
from crawler.extract.listing import ListBase, PageRef, entries_of
from crawler.extract.pagemeta import script_text
from crawler.extract.urls import absolute_url
from crawler.extract.walk import Marker, Markers, PageSelector
from crawler.items import ListEntry

ZOOM = Markers(Marker("div", "id", "=", "zoom"))
LIST_HINTS = ("<datastore", "jpage", "hanweb-records")
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)
_NEXT_GROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_TOTAL = re.compile(r"(?:totalRecord\s*:\s*|<totalrecord>\s*)(\d+)", re.IGNORECASE)
_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)")
_GROUP_SIZE = re.compile(r"groupSize\s*:\s*(\d+)")
_HREF = re.compile(r"href=[\"']([^\"']+)")


def matches_detail(sel: PageSelector) -> bool:
    """The ``ContentStart`` meta Hanweb's article template writes, or its ``#zoom`` body."""
    head = sel.root.find("head")
    if head is not None and any(m.get("name") == "ContentStart" for m in head.iterchildren("meta")):
        return True
    return ZOOM.first(sel) is not None


def matches_list(sel: Selector) -> bool:
    scripts = script_text(sel)
    return "<datastore" in scripts or "jpage" in scripts


def records_page(text: str) -> str | None:
    """A dataproxy.jsp XML answer as an HTML page of its records (None for any other text)."""
    head = text.lstrip()[:200]
    if not head.startswith(("<?xml", "<datastore")) or "<datastore" not in head:
        return None
    records = "\n".join(_RECORD.findall(text))
    return f"<html><body><ul class='hanweb-records'>{records}</ul></body></html>"


@dataclass(frozen=True)
class HanwebDetail(GenericDetail):
    family: ClassVar[str] = "hanweb"
    BODY_MARKERS: ClassVar[tuple[Markers, ...]] = (ZOOM, Markers(Marker("td", "id", "=", "zoom")))


@dataclass(frozen=True)
class HanwebList(ListBase):
    layout: ClassVar[str] = "hanweb"

    @cached_property
    def _scripts(self) -> str:
        return script_text(self.sel)

    @cached_property
    def _entries(self) -> list[ListEntry]:
        """Records embedded in the page's XML script, else the page's (or answer's) list."""
        embedded = "\n".join(_RECORD.findall(self._scripts))
        if embedded:
            records = Selector(text=f"<html><body><ul>{embedded}</ul></body></html>")
            return entries_of(self.url, [node.root for node in records.css("li a[href]")])
        found = entries_of(self.url, [n.root for n in self.sel.css("ul.hanweb-records a[href]")])
        return found or super()._entries

    def page_urls(self) -> list[PageRef]:
        """One dataproxy.jsp POST per group of records after the embedded ones."""
        numbers = [p.search(self._scripts) for p in (_TOTAL, _PER_PAGE, _GROUP_SIZE)]
        form = self._proxy_form()
        if form is None or not all(numbers):
            return []
        total, per_page, group_size = (int(n.group(1)) for n in numbers if n)
        group = per_page * group_size
        proxy = absolute_url(self.url, PROXY_PATH) or PROXY_PATH
        return [
            PageRef(f"{proxy}?startrecord={start}&endrecord={min(start + group - 1, total)}"
                    f"&perpage={per_page}", form)
            for start in range(group + 1, total + 1, group)
        ]  # fmt: skip

    def _proxy_form(self) -> tuple[tuple[str, str], ...] | None:
        """The POST fields the column's ``<nextgroup>`` link names (columnid, unitid, …)."""
        group = _NEXT_GROUP.search(self._scripts)
        href = _HREF.search(group.group(1)) if group else None
        if href is None:
            return None
        fields = parse_qsl(urlsplit(href.group(1).replace("&amp;", "&")).query)
        return tuple((k, v) for k, v in fields if k not in ("page", "startrecord", "endrecord"))
