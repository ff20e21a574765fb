"""Article pages of CMSs without a yun300 box structure: the generic reader, one method per field.

``GenericDetail`` reads any article page; the VSB, TRS and Hanweb page objects are the same
reader told where their family keeps the body. Without a known container the body is the
element holding the most paragraph text outside links (text density).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from itertools import takewhile
from typing import ClassVar

from lxml import html
from lxml.etree import XPath

from crawler.extract import content
from crawler.extract.info import has_info_label, is_editor_line, read_info_line, views_of
from crawler.extract.pagemeta import (
    letters,
    meta_content,
    page_metas,
    page_title,
    section_of_page,
    site_name,
    title_without_site,
)
from crawler.extract.urls import canonical_url, site_of
from crawler.extract.walk import Marker, Markers, PageSelector
from crawler.items import Article, Attachment, content_hash_of
from crawler.text import clean_line, parse_published_at

MIN_BODY_CHARS = 80  # below this a page is a list, an index or an error page, not an article
MIN_CONTAINER_CHARS = 20  # the same, for text inside an element named as an article body
_HAN = re.compile(r"[\u4e00-\u9fff]")
HEADING_TAGS = ("h1", "h2", "h3")
TITLE_CLASS_WORDS = ("title", "Title", "biaoti", "headline")  # on a div or td: a heading
_TITLE_CLASS = re.compile("|".join(TITLE_CLASS_WORDS))  # one C call per walked div or td


def heading_candidates(sel: PageSelector) -> list[html.HtmlElement]:
    """h1–h3, and divs and tds whose class says title, in page order (from the page's walk)."""
    return [
        element
        for element in sel.elements(*HEADING_TAGS, "div", "td")
        if element.tag in HEADING_TAGS or _TITLE_CLASS.search(element.get("class") or "")
    ]


MAX_HEADLINE = 200
# Where the text of a page is never the article's: its frame.
_FRAME_WORDS = ("foot", "copyright", "bottom", "menu", "nav")  # not "header": entry-header
_BLOCKS = frozenset("div p li td th dd dt tr table h1 h2 h3 h4 h5 h6 section header span".split())
_DATE_FALLBACK_LENGTH = 40  # an unlabelled date stands alone on a short line
PUBLISHED_METAS = (
    "PubDate", "publishdate", "pubdate", "article:published_time", "OriginalPublishDate",
    "firstpublishedtime",
)  # fmt: skip


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


@dataclass(frozen=True)
class GenericDetail:
    """An article page of any template; subclasses name their family's body container."""

    url: str
    sel: PageSelector
    family: ClassVar[str] = "generic"
    # The family's body element, most specific first; the markers of one entry rank alike.
    BODY_MARKERS: ClassVar[tuple[Markers, ...]] = ()
    ATTACHMENT_MARKERS: ClassVar[Markers] = Markers()  # beyond the body: the file list

    @cached_property
    def _metas(self) -> dict[str, str]:
        return page_metas(self.sel)

    # ------------------------------------------------------------ title and section

    def title(self) -> str:
        return self._title

    @cached_property
    def _title(self) -> str:
        heading = self._headline
        if heading is not None:
            return _element_line(heading)
        site = site_name(self._metas)
        for candidate in (
            meta_content(self._metas, "ArticleTitle"),
            title_without_site(self._page_title, site),
            meta_content(self._metas, "og:title"),
        ):
            if candidate and candidate != site:
                return candidate
        return ""

    @cached_property
    def _page_title(self) -> str:
        return clean_line(page_title(self.sel))

    @cached_property
    def _headline(self) -> html.HtmlElement | None:
        """The longest heading the ``<title>`` (or ArticleTitle) starts with: the headline."""
        wanted = [letters(t) for t in (meta_content(self._metas, "ArticleTitle"), self._page_title)]
        wanted = [w for w in wanted if w]
        site = site_name(self._metas)
        short = letters(title_without_site(self._page_title, site))  # a cut or generic <title>
        best: tuple[int, html.HtmlElement] | None = None
        for element in heading_candidates(self.sel):
            text = letters(_element_line(element))
            if len(text) < 4 or len(text) > MAX_HEADLINE or text == letters(site):
                continue
            named = any(w.startswith(text) for w in wanted) or bool(short and short in text)
            if named and (best is None or len(text) > best[0]):
                best = (len(text), element)
        return best[1] if best else None

    def section(self) -> str | None:
        return section_of_page(self.sel, self._metas, list_page=False)

    # ------------------------------------------------------------ the info line

    @cached_property
    def _info(self) -> dict[str, str | None]:
        """Labelled values from the page's info lines, the first value of each field."""
        found: dict[str, str | None] = {}
        seen: set[html.HtmlElement] = set()
        framed: dict[html.HtmlElement, bool] = {}  # info lines share their ancestors
        for node in _LABELLED_TEXT(self._article_area()):
            block = _line_block(node.getparent(), framed)
            if block is None or block in seen:
                continue
            seen.add(block)
            line = clean_line(content.visible_text(block))
            if not has_info_label(line):
                line = clean_line(str(node))
            for field, value in read_info_line(line).items():
                if found.get(field) is None:
                    found[field] = value
        return found

    def _article_area(self) -> html.HtmlElement:
        """Where the info line is looked for: the smallest element holding the headline and
        the body (the body's grandparent without a headline); the page when there is neither."""
        body, headline = self._body, self._headline
        if body is None:
            return self.sel.root
        ancestors = list(body.iterancestors())  # the body element's parent first, <html> last
        if headline is None:  # the grandparent, not above <body>
            if ancestors and ancestors[0].tag == "body":
                return ancestors[0]
            return ancestors[1] if len(ancestors) > 1 else self.sel.root
        around_headline = set(headline.iterancestors())
        below_body = takewhile(lambda e: e.tag != "body", ancestors[:6])
        return next((a for a in below_body if a in around_headline), self.sel.root)

    def author(self) -> str | None:
        return self._info.get("author")

    def source(self) -> str | None:
        return self._info.get("source") or meta_content(self._metas, "ContentSource") or None

    def category(self) -> str | None:
        return None  # these templates print no 分類

    def summary(self) -> str | None:
        return None  # meta descriptions are often a shuffled copy of the body: never a summary

    def views(self) -> int | None:
        return views_of(self._info.get("views"))

    def published_at(self) -> str | None:
        labelled = parse_published_at(self._info.get("published_at") or "")
        if labelled:
            return labelled
        for name in PUBLISHED_METAS:
            found = parse_published_at(meta_content(self._metas, name) or "")
            if found:
                return found
        return self._unlabelled_date()

    def _unlabelled_date(self) -> str | None:
        """A date standing alone on a short line after the headline (or anywhere, without one)."""
        start = self._headline
        scope = start.xpath("following::text()") if start is not None else None
        if scope is None:
            scope = self.sel.root.xpath("//body//text()")
        for text in scope:
            if len(text) <= _DATE_FALLBACK_LENGTH and (found := parse_published_at(text)):
                return found
        return None

    # ------------------------------------------------------------ the body

    @cached_property
    def _body(self) -> html.HtmlElement | None:
        named = self._named_body
        return named if named is not None else self._densest()

    @cached_property
    def _named_body(self) -> html.HtmlElement | None:
        """The heaviest shown element the family (or a common template) names as the body."""
        for markers in self.BODY_MARKERS:
            found = [e for e in markers.all(self.sel) if not content.is_hidden(e)]
            if found:
                return _heaviest(found)
        ranked = _common_bodies(self.sel)
        return _heaviest(ranked[min(ranked)]) if ranked else None

    def _densest(self) -> html.HtmlElement | None:
        """The element whose own paragraphs hold the most Han text outside links."""
        scores: dict[html.HtmlElement, int] = {}
        xpath = "//body//p | //body//div[text()[normalize-space()]] | //body//td[text()]"
        for node in self.sel.root.xpath(xpath):
            if node.tag == "p":
                target, weight = node.getparent(), _paragraph_weight(node)
            else:
                target, weight = node, han_count("".join(node.xpath("text()")))
            if target is not None and weight:
                scores[target] = scores.get(target, 0) + weight
        if not scores:
            return None
        best = max(scores, key=scores.__getitem__)
        return best if scores[best] >= MIN_BODY_CHARS else None

    def is_article(self) -> bool:
        body = self._body
        if not self.title() or body is None:
            return False
        if self.family != "generic":
            return True  # the family's own body element: even a one-line notice is an article
        named = body is self._named_body
        return han_count(self._body_text) >= (MIN_CONTAINER_CHARS if named else MIN_BODY_CHARS)

    @cached_property
    def _body_text(self) -> str:
        """The body's shown text, uncleaned (``content.visible_text``): read once."""
        return content.visible_text(self._body) if self._body is not None else ""

    def body_lines(self) -> list[str]:
        if self._body is None:
            return []
        lines = content.lines_of(self._body_text)
        lines = _without_headline(lines, self.title())
        lines = [line for n, line in enumerate(lines) if not _is_frame_line(line, n, len(lines))]
        shown = "\n".join(lines)
        extra = [a.name for a in self.attachments() if a.name not in shown]
        return lines + extra

    def body_html(self) -> str:
        return content.sanitised_html(self._body, self.url) if self._body is not None else ""

    def images(self) -> tuple[str, ...]:
        return content.images(self._body, self.url) if self._body is not None else ()

    def attachments(self) -> tuple[Attachment, ...]:
        return self._attachments

    @cached_property
    def _attachments(self) -> tuple[Attachment, ...]:
        """Files linked from the body, then from the family's attachment list (read once: the
        body's lines name those the body does not show)."""
        listed = self.ATTACHMENT_MARKERS.first(self.sel)
        scopes = [listed] if listed is not None else []
        if self._body is not None:
            scopes.insert(0, self._body)
        found: dict[str, Attachment] = {}
        for scope in scopes:
            for attachment in content.attachments(scope, self.url):
                found.setdefault(attachment.url, attachment)
        return tuple(found.values())

    def to_article(self) -> Article:
        title = self.title()
        body = "\n".join(self.body_lines())
        return Article(
            url=canonical_url(self.url), site=site_of(self.url), section=self.section(),
            title=title, category=self.category(), author=self.author(), source=self.source(),
            published_at=self.published_at(), views=self.views(), summary=self.summary(),
            body=body, body_html=self.body_html(), images=self.images(),
            attachments=self.attachments(), content_hash=content_hash_of(title, body),
        )  # fmt: skip


# Compiled once: text nodes that may carry a "label：value" pair.
_LABELLED_TEXT = XPath(".//text()[contains(., '：') or contains(., ':')]")


# Body elements common templates name, most specific first.
COMMON_BODIES = Markers(
    Marker("div", "id", "=", "zoom"),
    *(Marker("div", "class", "in", name) for name in (
        "article-content", "article_content", "entry-content", "post-content", "news_content",
        "newsContent",
    )),
    Marker("article"),
    Marker("div", "id", "=", "content"), Marker("div", "class", "=", "content"),
    Marker("td", "id", "=", "content"), Marker("td", "class", "=", "content"),
)  # fmt: skip


def _common_bodies(sel: PageSelector) -> dict[int, list[html.HtmlElement]]:
    """Shown elements matching COMMON_BODIES, by rank."""
    ranked: dict[int, list[html.HtmlElement]] = {}
    for element in sel.elements("article", "div", "td"):
        rank = COMMON_BODIES.rank(element)
        if rank is not None and not content.is_hidden(element):
            ranked.setdefault(rank, []).append(element)
    return ranked


def _heaviest(elements: list[html.HtmlElement]) -> html.HtmlElement:
    if len(elements) == 1:
        return elements[0]  # nothing to weigh: the text of a body is read once, later
    return max(elements, key=lambda e: han_count(content.visible_text(e)))


def _element_line(element: html.HtmlElement) -> str:
    return clean_line(content.visible_text(element).replace("\n", " "))


def _paragraph_weight(paragraph: html.HtmlElement) -> int:
    if content.is_hidden(paragraph):
        return 0
    return han_count("".join(paragraph.xpath(".//text()[not(ancestor::a)]")))


def _line_block(
    element: html.HtmlElement | None, framed: dict[html.HtmlElement, bool]
) -> html.HtmlElement | None:
    """The block an info text node belongs to; None inside scripts, hidden parts or the frame.
    ``framed`` remembers the verdict on each ancestor already seen."""
    block = None
    while element is not None and isinstance(element.tag, str):
        verdict = framed.get(element)
        if verdict is None:
            verdict = framed[element] = _is_frame(element)
        if verdict:
            return None
        if block is None and element.tag in _BLOCKS:
            block = element
        element = element.getparent()
    return block


def _is_frame(element: html.HtmlElement) -> bool:
    """A script, a hidden part or the page's frame (footer, menu, copyright…)."""
    if element.tag in ("script", "style", "footer") or content.is_hidden(element):
        return True
    marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return any(word in marks for word in _FRAME_WORDS)


def _without_headline(lines: list[str], title: str) -> list[str]:
    """The body without the headline repeated at its top (perhaps split over lines)."""
    wanted, joined = letters(title), ""
    for count, line in enumerate(lines[:4], start=1):
        joined += letters(line)
        if not wanted.startswith(joined):
            break
        if joined == wanted:
            return lines[count:]
    return lines


def _is_frame_line(line: str, index: int, count: int) -> bool:
    """An info line at the body's top, an editor sign-off, or pairs of labels anywhere."""
    if is_editor_line(line):
        return True
    if not has_info_label(line):
        return False
    return index < 3 or len(read_info_line(line)) >= 2 or index >= count - 2
