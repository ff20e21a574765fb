"""Flattened text dumps of article pages (what a generic extractor leaves) → Article.

The shape, from top to bottom: the section name, an optional English subtitle, the title,
``- 分類:…``-style metadata lines, 【概要描述】 blocks, then the body, then page chrome. The
template's second metadata/summary box shows up as a repeated block and is read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.urls import site_of
from crawler.items import Article, content_hash_of
from crawler.text import clean_text, drop_chrome_lines, drop_repeated_blocks, parse_published_at

_META_LINE = re.compile(r"^[-•·*]?\s*(?P<label>[^:：\s]{1,6})\s*[:：]\s*(?P<value>.*)$")
_SUMMARY_MARK = re.compile(r"^【\s*(?:概要描述|摘要|內容摘要|内容摘要)\s*】$")
_SUBTITLE = re.compile(r"^[A-Za-z][A-Za-z .&'-]*$")
SECTION_MAX_CHARS = 12  # a column name is short; a longer first line is already the title
META_FIELDS = {
    "分類": "category", "分类": "category", "類別": "category", "类别": "category",
    "作者": "author", "來源": "source", "来源": "source",
    "發布時間": "published_at", "发布时间": "published_at", "發佈時間": "published_at",
    "時間": "published_at", "时间": "published_at", "日期": "published_at",
    "訪問量": "views", "访问量": "views", "瀏覽量": "views", "浏览量": "views",
}  # fmt: skip


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
    if match is None or match.group("label") not in META_FIELDS:
        return None
    return META_FIELDS[match.group("label")], match.group("value").strip()


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
