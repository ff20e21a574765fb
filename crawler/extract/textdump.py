"""Flattened text dumps of article pages (what a generic extractor leaves) → Article.

The shape, from top to bottom: the section name, an optional English subtitle, the title,
``- 分類:…``-style metadata lines, 【概要描述】 blocks, then the body, then page chrome. The
template's second metadata/summary box shows up as a repeated block and is read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.labels import FIELD_OF_LABEL
from crawler.extract.urls import site_of
from crawler.items import Article, content_hash_of
from crawler.text import clean_text, drop_chrome_lines, drop_repeated_blocks, parse_published_at

_META_LINE = re.compile(r"^[-•·*]?\s*(?P<label>[^:：\s]{1,6})\s*[:：]\s*(?P<value>.*)$")
_SUMMARY_MARK = re.compile(r"^【\s*(?:概要描述|摘要|內容摘要|内容摘要)\s*】$")
_SUBTITLE = re.compile(r"^[A-Za-z][A-Za-z .&'-]*$")
SECTION_MAX_CHARS = 12  # a column name is short; a longer first line is already the title


@dataclass
class _Header:
    section: str | None = None
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    summary: str | None = None


def is_text_dump(text: str) -> bool:
    """True when ``text`` has the dump's shape: a title followed by labelled metadata lines."""
    lines = clean_text(text).split("\n")[:8]
    return sum(1 for line in lines if _meta_field(line)) >= 2


def _meta_field(line: str) -> tuple[str, str] | None:
    match = _META_LINE.match(line)
    if match is None or match.group("label") not in FIELD_OF_LABEL:
        return None
    return FIELD_OF_LABEL[match.group("label")], match.group("value").strip()


def _read_header(lines: list[str]) -> tuple[_Header, int]:
    """The header fields and the index of the first body line."""
    header, index = _Header(), 0
    if len(lines) > 1 and len(lines[0]) <= SECTION_MAX_CHARS and not _meta_field(lines[1]):
        header.section, index = lines[0], 1
        if index < len(lines) and _SUBTITLE.match(lines[index]):
            index += 1
    if index < len(lines):
        header.title, index = lines[index], index + 1
    while index < len(lines):
        line = lines[index]
        meta = _meta_field(line)
        if meta:
            header.meta.setdefault(meta[0], meta[1])
        elif _SUMMARY_MARK.match(line):
            # Only the first marker introduces the summary; a later one opens the second box.
            is_first = header.summary is None
            if is_first and index + 1 < len(lines) and not _meta_field(lines[index + 1]):
                header.summary = lines[index + 1]
                index += 1
        else:
            break
        index += 1
    return header, index


def parse_text_dump(url: str, text: str) -> Article | None:
    """The article in a flattened dump, or None when the text has no title or no body."""
    lines = drop_chrome_lines(drop_repeated_blocks(clean_text(text).split("\n")))
    header, body_start = _read_header(lines)
    body = "\n".join(lines[body_start:])
    if not header.title or not body:
        return None
    summary = header.summary if header.summary and header.summary != header.title else None
    views = re.sub(r"\D", "", header.meta.get("views", ""))
    return Article(
        url=url,
        site=site_of(url) or "file",
        section=header.section,
        title=header.title,
        category=header.meta.get("category") or None,
        author=header.meta.get("author") or None,
        source=header.meta.get("source") or None,
        published_at=parse_published_at(header.meta.get("published_at", "")),
        views=int(views) if views else None,
        summary=summary,
        body=body,
        body_html="",
        content_hash=content_hash_of(header.title, body),
    )
