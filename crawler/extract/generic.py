"""Fallback layout for article pages of unknown templates (government CMSs and the like).

Reads the title from ``<h1>`` or ``<title>``, the date from the first date near the title, and
the body from the candidate element holding the most text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsel import Selector

from crawler.extract import content
from crawler.extract.urls import canonical_url, site_of
from crawler.items import Article, content_hash_of
from crawler.text import clean_line, parse_published_at

BODY_CANDIDATES = (
    "article",
    "#zoom",
    ".TRS_Editor",
    "[class*='article-content']",
    "[class*='content']",
    "[id*='content']",
    "main",
)
MIN_BODY_CHARS = 80  # below this a page is a list, an index or an error page, not an article
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _text_weight(sel: Selector) -> int:
    return len(_HAN.findall(" ".join(sel.css("p ::text, ::text").getall())))


@dataclass(frozen=True)
class GenericDetail:
    url: str
    sel: Selector

    def _body(self) -> Selector | None:
        candidates = [node for css in BODY_CANDIDATES for node in self.sel.css(css)]
        if not candidates:
            return None
        best = max(candidates, key=_text_weight)
        return best if _text_weight(best) >= MIN_BODY_CHARS else None

    def is_article(self) -> bool:
        return bool(self.title()) and self._body() is not None

    def title(self) -> str:
        heading = clean_line(" ".join(self.sel.css("h1 ::text").getall()))
        return heading or clean_line(self.sel.css("title::text").get(""))

    def published_at(self) -> str | None:
        meta = self.sel.css(
            "meta[name='PubDate']::attr(content), meta[name='publishdate']::attr(content)"
        ).get()
        return parse_published_at(meta or " ".join(self.sel.css("body ::text").getall())[:5000])

    def to_article(self) -> Article:
        body_node = self._body()
        root = body_node.root if body_node is not None else None
        lines = content.body_lines(root) if root is not None else []
        title, body = self.title(), "\n".join(lines)
        return Article(
            url=canonical_url(self.url),
            site=site_of(self.url),
            section=None,
            title=title,
            category=None,
            author=None,
            source=None,
            published_at=self.published_at(),
            views=None,
            summary=None,
            body=body,
            body_html=content.sanitised_html(root, self.url) if root is not None else "",
            images=content.images(root, self.url) if root is not None else (),
            attachments=content.attachments(root, self.url) if root is not None else (),
            content_hash=content_hash_of(title, body),
        )
