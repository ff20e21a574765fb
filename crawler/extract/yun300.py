"""Page objects for the yun300 (中企动力) portal template: detail pages and section lists.

Detail pages print title, metadata and summary twice (``p_topBox`` and ``p_infoBox``); each
field reads the first box that has a value and never concatenates the two. The older template
generation (``c_news_detail-…``, ``c_news_list-…``) is read by the same objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from lxml.html import HtmlElement
from parsel import Selector

from crawler.errors import ExtractError
from crawler.extract import content
from crawler.extract.labels import META_LABELS
from crawler.extract.listing import PageRef
from crawler.extract.pagemeta import page_title, script_text
from crawler.extract.urls import (
    absolute_url,
    canonical_url,
    file_name,
    is_attachment_url,
    site_of,
)
from crawler.extract.walk import Marker, Markers, PageSelector, css
from crawler.items import Article, Attachment, ListEntry, content_hash_of
from crawler.text import clean_line, parse_published_at

LIST_HINTS = ("c_portalResNews_list-", "c_news_list-")
# The article component (the detail root), most specific first; its body marks one too.
ROOTS = (
    Marker("div", "class", "word", "p_NewsDetail"),
    Marker("div", "id", "starts", "c_portalResNews_detail-"),
    Marker("div", "id", "starts", "c_news_detail-"),
)
ROOT_MARKERS = Markers(*ROOTS)
BANNERS = Markers(Marker("div", "class", "word", "p_columnBanner"))
DETAIL_MARKERS = Markers(*ROOTS, Marker("div", "data-ename", "=", "资讯详细描述"))
BODY_SELECTORS = (
    "[data-ename='资讯详细描述']",
    "article.e_HtmlEditor.p_articles",
    "div.p_NewsDetail div.p_articles",
)
BOXES = ("div.p_topBox", "div.p_infoBox")  # inside the root; then the root, then the page
# (where, what): the banner's title inside the banner divs found on the walk (the usual place,
# without a page-wide query), then breadcrumb and menu across the page.
SECTION_SELECTORS: tuple[tuple[Markers | None, str], ...] = (
    (BANNERS, ".title_main"),
    (None, ".p_breadcrumb a:last-of-type"),
    (None, "div.pc_nav li.active > a"),
    (None, "nav li.active > a"),
)
# Metadata label span class → field; label text is the fallback on sites that rename classes.
META_CLASSES = {
    "i_sort": "category",
    "i_auth": "author",
    "i_source": "source",
    "i_pubDate": "published_at",
    "i_time": "published_at",
    "i_pvs": "views",
}
SUMMARY_LABEL = re.compile(r"^\s*【?\s*(?:概要描述|摘要|概要|内容摘要|內容摘要)\s*】?\s*[:：]?\s*")
TITLE_SITE_SUFFIX = re.compile(r"\s*[-_|–—]\s*[^-_|–—]+$")


def section_of(sel: PageSelector) -> str | None:
    """The column the page belongs to, as its banner, breadcrumb or menu shows it."""
    for scope, query in SECTION_SELECTORS:
        roots = scope.all(sel) if scope is not None else [sel.root]
        found = next((node for root in roots for node in css(query)(root)), None)
        text = clean_line(" ".join(found.itertext())) if found is not None else ""
        if text:
            return text
    return None


def matches_detail(sel: PageSelector) -> bool:
    return DETAIL_MARKERS.first(sel) is not None


@dataclass(frozen=True)
class Yun300Detail:
    """A yun300 article page; one method per Article field."""

    url: str
    sel: PageSelector

    @cached_property
    def _root(self) -> HtmlElement | None:
        """The article component: queries stay inside it, not the page's menus and footers."""
        return ROOT_MARKERS.best(self.sel)

    @cached_property
    def _boxes(self) -> list[HtmlElement]:
        """The two metadata boxes, the article root, then the whole page: searched in order."""
        root = self._root
        if root is None:
            return [self.sel.root]
        boxes = [box for query in BOXES for box in css(query)(root)[:1]]
        return [*boxes, root, self.sel.root]

    def _first(self, query: str) -> str:
        """Cleaned text of the first non-empty ``query`` match across the boxes, in order."""
        for box in self._boxes:
            for node in css(query)(box):
                text = clean_line(" ".join(node.itertext()))
                if text:
                    return text
        return ""

    def title(self) -> str:
        return self._title

    @cached_property
    def _title(self) -> str:
        title = self._first("h1 .font, h1, .p_headA, .news_title, .e_title.h1")
        if title:
            return title
        whole = clean_line(page_title(self.sel))
        return TITLE_SITE_SUFFIX.sub("", whole) or whole

    def section(self) -> str | None:
        return section_of(self.sel)

    @cached_property
    def _meta(self) -> dict[str, str]:
        """Metadata values by field, each from the first box that gives one; the whole page
        is read only when the article's own boxes give none."""
        found: dict[str, str] = {}
        read: set[HtmlElement] = set()  # the root holds the boxes: their items are read once
        for box in self._boxes:
            if (found and box is self.sel.root) or len(found) == len(META_LABELS):  # every field
                break
            for item in meta_items(box):
                if item in read:
                    continue
                read.add(item)
                named = _class_field(item)
                if named in found:
                    continue  # the other box's copy: not cleaned twice
                field, value = _meta_item(item, named)
                if field and value and field not in found:
                    found[field] = value
        return found

    def category(self) -> str | None:
        return self._meta.get("category") or None

    def author(self) -> str | None:
        return self._meta.get("author") or None

    def source(self) -> str | None:
        return self._meta.get("source") or None

    def published_at(self) -> str | None:
        raw = self._meta.get("published_at")
        if raw:
            return parse_published_at(raw)
        time_text = " ".join(self.sel.css(".p_NewsDetail .time::text, .p_date::text").getall())
        return parse_published_at(time_text)

    def views(self) -> int | None:
        digits = re.sub(r"[^\d]", "", self._meta.get("views", ""))
        return int(digits) if digits else None

    def summary(self) -> str | None:
        for box in self._boxes:
            for node in css("p.p_summary, .p_summary, [data-ename='资讯概要信息']")(box):
                text = SUMMARY_LABEL.sub("", clean_line(" ".join(node.itertext())))
                if text:
                    return None if _same_words(text, self.title()) else text
        return None

    @cached_property
    def _body(self) -> HtmlElement:
        for scope in (self._root, self.sel.root):
            for query in BODY_SELECTORS:
                found = css(query)(scope) if scope is not None else []
                if found:
                    return found[0]
        raise ExtractError(self.url, "yun300 page without an article body element")

    def body_lines(self) -> list[str]:
        return content.body_lines(self._body)

    def body_html(self) -> str:
        return content.sanitised_html(self._body, self.url)

    def images(self) -> tuple[str, ...]:
        return content.images(self._body, self.url)

    def attachments(self) -> tuple[Attachment, ...]:
        return content.attachments(self._body, self.url)

    def to_article(self) -> Article:
        title = self.title()
        if not title:
            raise ExtractError(self.url, "yun300 page without a title")
        body = "\n".join(self.body_lines())
        return Article(
            url=canonical_url(self.url),
            site=site_of(self.url),
            section=self.section(),
            title=title,
            category=self.category(),
            author=self.author(),
            source=self.source(),
            published_at=self.published_at(),
            views=self.views(),
            summary=self.summary(),
            body=body,
            body_html=self.body_html(),
            images=self.images(),
            attachments=self.attachments(),
            content_hash=content_hash_of(title, body),
        )


def meta_items(box: HtmlElement) -> list[HtmlElement]:
    """The metadata ``li``s inside ``box``, in page order: what ``.p_dataSource > li, .p_info li``
    selects there, read by walking up from each ``li`` (a box holds a dozen) rather than by an
    XPath that tests the class of every element of the article."""
    return [li for li in box.iter("li") if _is_meta_item(li, box)]


def _is_meta_item(li: HtmlElement, box: HtmlElement) -> bool:
    parent = li.getparent()
    if parent is not None and "p_dataSource" in (parent.get("class") or "").split():
        return True
    for ancestor in li.iterancestors():
        if "p_info" in (ancestor.get("class") or "").split():
            return True
        if ancestor is box:
            return False
    return False


def _class_field(node: HtmlElement) -> str | None:
    """The field a metadata ``li``'s label span names by its class, if it does."""
    label_classes = " ".join(span.get("class", "") for span in node.iter("span")).split()
    return next((META_CLASSES[c] for c in label_classes if c in META_CLASSES), None)


def _meta_item(node: HtmlElement, field: str | None) -> tuple[str | None, str]:
    """(field, cleaned value) of one metadata ``li``: label span, then the value after it;
    ``field`` is the one its class names (``_class_field``), else its label text says."""
    text = clean_line(" ".join(node.itertext()))
    label, _sep, value = text.partition(":") if ":" in text else text.partition("：")
    if field is None:
        field = next((f for f, names in META_LABELS.items() if label.strip() in names), None)
    if not _sep:
        value = ""
    return field, value.strip()


def _same_words(a: str, b: str) -> bool:
    """True when two texts differ only by spaces and punctuation."""
    return _letters(a) == _letters(b)


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


# ---------------------------------------------------------------- list pages

LIST_COMPONENTS = ("div[id^='c_portalResNews_list-']", "div[id^='c_news_list-']")
LIST_ITEM_LINKS = (
    "ul.p_news > li div.h3 > a",
    "div.p_news > div h3.newTitle > a",
    "div.p_news > div.newList a.newTitleLink",
    "div.newUl.p_news > div.p_articles.newLi a.showBoxLink",
    "div.p_news > div.p_articles a.e_link",
    ".p_news a[href]",
)
_TOTAL_PAGE = re.compile(r"totalPage\s*:\s*[\"']?(\d+)")
_PAGE_SIZE = re.compile(r"pageSize\s*:\s*[\"']?(\d+)")
_CID_IN_PARAM = re.compile(r"cid=(\d+)")
_CID_IN_PATH = re.compile(r"/news/(\d+)/?")
_LIST_ENDPOINT = re.compile(r"[\"'](/comp/[A-Za-z]+/list\.do)")


def file_article(entry: ListEntry, section: str | None) -> Article:
    """The article a list entry linking straight to a file stands for: that file is all of it.

    The file is recorded (as the article's attachment), never downloaded.
    """
    name = entry.title or file_name(entry.url)
    return Article(
        url=canonical_url(entry.url), site=site_of(entry.url), section=section, title=name,
        category=None, author=None, source=None, published_at=entry.date, views=None,
        summary=None, body="", body_html="",
        attachments=(Attachment(url=entry.url, name=name),),
        content_hash=content_hash_of(name, entry.url),
    )  # fmt: skip


LIST_ID_PREFIXES = ("c_portalResNews_list-", "c_news_list-")


def matches_list(sel: PageSelector) -> bool:
    """A list component's div."""
    return any((div.get("id") or "").startswith(LIST_ID_PREFIXES) for div in sel.elements("div"))


@dataclass(frozen=True)
class Yun300List:
    """A section list page, or a list.do fragment (``component_id`` then comes from the caller)."""

    url: str
    sel: PageSelector
    layout: ClassVar[str] = "yun300"

    def article_entries(self) -> list[ListEntry]:
        """Every entry in list order, files included."""
        return self._entries_found

    def page_urls(self) -> list[PageRef]:
        """list.do POSTs for pages 2…N (known from page 1 only: a fragment names none)."""
        if self.component_id() is None:
            return []
        endpoint = self.list_endpoint()
        return [PageRef(endpoint, tuple(self.list_do_form(page).items()))
                for page in range(2, self.page_count() + 1)]  # fmt: skip

    def next_page(self) -> PageRef | None:
        return None

    def is_list(self) -> bool:
        return True

    def section(self) -> str | None:
        return section_of(self.sel)

    def component_id(self) -> str | None:
        """``portalResNews_list-<digits>``: the list component's id without ``c_``."""
        for query in LIST_COMPONENTS:
            element_id = self.sel.css(query).attrib.get("id")
            if element_id:
                return element_id.removeprefix("c_")
        return None

    def cid(self) -> str | None:
        param = self.sel.css("input.requsetParam::attr(value), input.requestParam::attr(value)")
        for source in (param.get(""), self._scripts(), self.url):
            found = _CID_IN_PARAM.search(source) or _CID_IN_PATH.search(source)
            if found:
                return found.group(1)
        return None

    def _scripts(self) -> str:
        return script_text(self.sel)

    def article_urls(self) -> list[str]:
        """Detail page URLs in list order, first markup variant that yields any; no files."""
        return [entry.url for entry in self.entries()]

    def entries(self) -> list[ListEntry]:
        """The list's articles with their shown title (full when @title has it) and date."""
        return [entry for entry in self._entries_found if not is_attachment_url(entry.url)]

    def file_entries(self) -> list[ListEntry]:
        """List entries that link straight to a file (a notice published as a PDF, say)."""
        return [entry for entry in self._entries_found if is_attachment_url(entry.url)]

    @cached_property
    def _entries_found(self) -> list[ListEntry]:
        """Every entry, files included, read once (``entries`` and ``file_entries`` split it)."""
        for query in LIST_ITEM_LINKS:
            links = self.sel.css(query)
            found = [entry for link in links if (entry := self._entry(link)) is not None]
            if found:
                return list({entry.url: entry for entry in reversed(found)}.values())[::-1]
        return []

    def _entry(self, link: Selector) -> ListEntry | None:
        href = absolute_url(self.url, link.attrib.get("href", ""))
        if href is None:
            return None
        url = canonical_url(href)  # the key the archive stores articles under
        title = clean_line(link.attrib.get("title") or " ".join(link.css("::text").getall()))
        date = None
        # The date sits beside the link, one to three levels up depending on the markup.
        for ancestor in link.xpath("ancestor::*[position() <= 3]")[::-1]:
            date = parse_published_at(" ".join(ancestor.css("::text").getall()))
            if date:
                break
        return ListEntry(url=url, title=title, date=date[:10] if date else None)

    def page_count(self) -> int:
        """Pages of the list: inline ``totalPage``, else the highest pager number, else 1."""
        found = _TOTAL_PAGE.search(self._scripts())
        if found:
            return max(1, int(found.group(1)))
        numbers = [
            int(n) for n in self.sel.css("div.pageNum a::text, div.pageNum::text").re(r"\d+")
        ]
        return max(numbers, default=1)

    def page_size(self) -> int | None:
        found = _PAGE_SIZE.search(self._scripts())
        return int(found.group(1)) if found else None

    def list_endpoint(self) -> str:
        """Absolute URL of the paging endpoint (``/comp/portalResNews/list.do`` or older)."""
        found = _LIST_ENDPOINT.search(self._scripts())
        if found:
            path = found.group(1)
        elif (self.component_id() or "").startswith("news_list-"):
            path = "/comp/news/list.do"
        else:
            path = "/comp/portalResNews/list.do"
        return absolute_url(self.url, path) or path

    def list_do_form(self, page: int) -> dict[str, str]:
        """The form fields that ask list.do for ``page`` (1-based)."""
        form = {
            "compId": self.component_id() or "",
            "cid": self.cid() or "",
            "currentPage": str(page),
        }
        size = self.page_size()
        if size:
            form["pageSize"] = str(size)
        return form
