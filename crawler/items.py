"""The records partyfield produces. Pure dataclasses: no Scrapy, no I/O."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from crawler.errors import Stage, ValidationError


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file linked from an article body."""

    url: str  # absolute URL of the file, no fragment
    name: str  # cleaned link text; the file name from the URL when the link has no text


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One archived article. Text fields are cleaned, in the script the page was published in."""

    url: str  # canonical absolute URL of the detail page, no fragment; the primary key
    site: str  # host of ``url``, e.g. "www.example-mining.cn"
    section: str | None  # the column shown on the page ("黨群園地"); None when the page names none
    title: str  # cleaned title; never empty
    category: str | None  # 分類 value; None when absent or empty
    author: str | None  # 作者 value; None when absent or empty
    source: str | None  # 來源 value; None when absent or empty
    published_at: str | None  # "2024-01-29T09:58:00+08:00", or "2024-01-29" when only a date
    views: int | None  # 訪問量; None when the page does not show a number (often script-filled)
    summary: str | None  # 概要 text once; None when empty or when it only repeats the title
    body: str  # cleaned plain text, one line per paragraph/block, page order; "" when none
    body_html: str  # sanitised body HTML, links absolute; "" when none
    images: tuple[str, ...] = ()  # absolute image URLs in body order, no duplicates
    attachments: tuple[Attachment, ...] = ()  # linked files in body order, no duplicates
    content_hash: str = ""  # sha256 of normalised title + body; see ``content_hash_of``
    capture: str | None = None  # WARC-Record-ID of the capture it was read from, when known

    @property
    def body_lines(self) -> list[str]:
        return self.body.split("\n") if self.body else []


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page that could not become an article; the archive records it in ``errors``."""

    url: str
    stage: Stage  # one of crawler.errors.STAGES
    reason: str  # one line, human readable


@dataclass(frozen=True, slots=True)
class ListEntry:
    """An article as a section list shows it: what a re-run compares with the archive."""

    url: str  # absolute detail page URL
    title: str  # cleaned full title (@title when the visible one is cut), "" if none
    date: str | None  # ISO date shown in the list, or None


@dataclass(frozen=True, slots=True)
class PageValidators:
    """What a server said to recognise a page again: sent back as a conditional GET."""

    url: str  # the article URL the page is archived under
    etag: str | None  # the ETag header, as sent
    last_modified: str | None  # the Last-Modified header, as sent


@dataclass(frozen=True, slots=True)
class NotModified:
    """A conditional GET answered 304: the archived article is unchanged."""

    url: str  # the article URL


@dataclass(frozen=True, slots=True)
class PageGone:
    """An article's page answered 404 or 410: the site took it down (the archive keeps it)."""

    url: str  # the article URL
    status: int


@dataclass(frozen=True, slots=True)
class SectionPaged:
    """A run walked a section's list to its last page (the archive remembers it)."""

    url: str  # the section's start URL
    pages: int  # list pages it has


_SPACE = re.compile(r"\s+")


def content_hash_of(title: str, body: str) -> str:
    """Hash of the article's words, blind to whitespace: re-rendering is not an edit."""
    normalised = _SPACE.sub(" ", title).strip() + "\n" + _SPACE.sub(" ", body).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def validate_article(article: Article) -> None:
    """Raise ValidationError unless the article can be archived.

    An article needs its URL, a title, and a body or at least one attachment (some party
    notices are nothing but a PDF).
    """
    if not article.url.startswith(("http://", "https://", "file://")):
        raise ValidationError(article.url, f"url is not absolute: {article.url!r}")
    if not article.title.strip():
        raise ValidationError(article.url, "no title")
    if not article.body.strip() and not article.attachments:
        raise ValidationError(article.url, "no body text and no attachment")
    if article.views is not None and article.views < 0:
        raise ValidationError(article.url, f"negative view count {article.views}")


@dataclass(frozen=True, slots=True)
class DiscoveredColumn:
    """A party column ``partyfield discover`` found on a front page and checked is a list."""

    front_page: str  # the front page URL it was found on
    url: str  # the column's list page, absolute
    name: str  # the column's name as the link shows it
    layout: str  # the LIST_LAYOUTS name that reads it
    rank: int  # its place among the front page's links (a sitemap's come after them)


@dataclass(frozen=True, slots=True)
class RejectedColumn:
    """A link named like a party column that is not a list of articles (or did not load)."""

    front_page: str
    url: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class FrontPageFailure:
    """A front page ``partyfield discover`` could not fetch or read."""

    url: str
    reason: str
