"""What any page says about itself: meta tags, the site's name, the column, the ``<title>``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html
from parsel import Selector

from crawler.extract.walk import PageSelector
from crawler.text import clean_line

# <title> pieces are joined by these: "标题_党建工作_某某大学", "标题 - 某某集团", "标题|站名".
_TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|--|-(?=[^-\d]*$))\s*")
# Breadcrumb containers, by the words their class or id carries (tag tests first: a page-wide
# test on every element costs ten times one on its divs).
CRUMB_WORDS = ("position", "location", "crumb", "dqwz", "weizhi", "place", "curpos")
_CRUMB_LABEL = re.compile(
    r"^.*?(?:当前位置|當前位置|您的位置|您现在的位置|您現在的位置|所在位置)\s*[:：]?"
)
_CRUMB_SEPARATOR = re.compile(r"\s*[>»›→/＞]+\s*")
# Breadcrumb steps that are not a column: the home page and "the article itself".
_NOT_COLUMNS = frozenset(
    "首页 首頁 主页 网站首页 網站首頁 正文 详情 詳情 内容 內容 文章 正文内容 返回".split()
)
MAX_COLUMN_NAME = 20


def letters(text: str | None) -> str:
    """Text with spaces and punctuation removed, for comparing headings with titles."""
    return re.sub(r"[\W_]+", "", text or "")


def script_text(sel: Selector) -> str:
    """The text of every ``<script>`` of the page, joined: where paging totals and configs are."""
    return "\n".join(sel.css("script::text").getall())


def page_metas(sel: Selector) -> dict[str, str]:
    """``<meta name|property=… content=…>`` values by name, as written (``meta_content``
    cleans the few a reader asks for); the first of each name."""
    found: dict[str, str] = {}
    for meta in head_metas(sel.root):
        name = meta.get("name") or meta.get("property")
        if name and name not in found:
            found[name] = meta.get("content") or ""
    return found


def head_metas(root: html.HtmlElement) -> Iterator[html.HtmlElement]:
    """``<meta content=…>`` in the head or right under ``<html>``, in document order: what
    ``//head/meta[@content] | /html/meta[@content]`` selects, without a pass over the page."""
    for child in root.iterchildren("head", "meta"):
        for meta in child.iterchildren("meta") if child.tag == "head" else (child,):
            if meta.get("content") is not None:
                yield meta


def page_title(sel: Selector) -> str:
    """The ``<title>``'s text (its first text node, as ``title::text`` reads it), or ""."""
    title = sel.root.find("head/title")
    texts = title.xpath("text()") if title is not None else []
    if not texts:  # no title in the head, or an empty one: the first title text anywhere
        texts = sel.xpath("//title/text()").getall()
    return str(texts[0]) if texts else ""


def meta_content(metas: dict[str, str], name: str) -> str | None:
    """The cleaned ``content`` of ``<meta name=…>`` or ``<meta property=…>``, or None."""
    return clean_line(metas.get(name) or "") or None


def site_name(metas: dict[str, str]) -> str | None:
    """The site's own name, which is never an article's headline."""
    return meta_content(metas, "og:site_name") or meta_content(metas, "SiteName")


def title_pieces(page_title: str) -> list[str]:
    return [piece for piece in _TITLE_SEPARATOR.split(page_title) if piece]


def title_without_site(page_title: str, site: str | None) -> str:
    """The ``<title>`` without its ``_站名``/``-站名``/``|站名`` suffix: its first piece."""
    pieces = title_pieces(page_title)
    if not pieces:
        return ""
    if site and pieces[0] == site and len(pieces) > 1:
        return pieces[1]
    return pieces[0]


def breadcrumb_column(sel: PageSelector) -> str | None:
    """The last column the breadcrumb ("当前位置：首页 > 党建工作 > 正文") names."""
    for node in _breadcrumbs(sel):
        text = clean_line(node.text_content())
        if not _CRUMB_SEPARATOR.search(text) or len(text) > 200:
            continue
        steps = [s for s in _CRUMB_SEPARATOR.split(_CRUMB_LABEL.sub("", text)) if s]
        columns = [s for s in steps if s not in _NOT_COLUMNS and len(s) <= MAX_COLUMN_NAME]
        if columns:
            return columns[-1]
    return None


def _breadcrumbs(sel: PageSelector) -> list[html.HtmlElement]:
    """Divs and tds whose class or id names a breadcrumb."""
    found = []
    for element in sel.elements("div", "td"):
        marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
        if any(word in marks for word in CRUMB_WORDS):
            found.append(element)
            if len(found) == 6:
                break
    return found


def section_of_page(sel: PageSelector, metas: dict[str, str], *, list_page: bool) -> str | None:
    """The column a page belongs to: ColumnName meta, the breadcrumb, and on a list page the
    first piece of its ``<title>``."""
    found = meta_content(metas, "ColumnName") or breadcrumb_column(sel)
    if found or not list_page:
        return found
    pieces = title_pieces(clean_line(page_title(sel)))
    return pieces[0] if pieces and len(pieces[0]) <= MAX_COLUMN_NAME else None
