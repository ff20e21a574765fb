"""Pure text cleaning: no Scrapy, no I/O. ``clean_text`` fixes the order of the steps once.

Every text field of an Article goes through ``clean_text`` (or ``clean_line`` for one-line
fields), so a rule changed here changes every field alike.
"""

from __future__ import annotations

from crawler.text.blocks import drop_chrome_lines, drop_repeated_blocks, is_chrome_line
from crawler.text.dates import parse_published_at
from crawler.text.gloss import strip_glosses
from crawler.text.ruby import strip_ruby
from crawler.text.script import to_simplified
from crawler.text.space import collapse_space, normalise_space

__all__ = [
    "clean_line",
    "clean_text",
    "collapse_space",
    "drop_chrome_lines",
    "drop_repeated_blocks",
    "is_chrome_line",
    "normalise_space",
    "parse_published_at",
    "strip_glosses",
    "strip_ruby",
    "to_simplified",
]


def clean_text(text: str) -> str:
    """Multi-line text: spaces folded, glosses removed, lines stripped, empty lines dropped.

    Glosses go after the spaces are folded (``技( jì )`` and ``技(jì )`` look alike then) and
    over the whole text at once, so the pinyin-discussion check sees the whole text.
    """
    text = strip_glosses(normalise_space(text))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def clean_line(text: str) -> str:
    """One-line fields (title, category, …): ``clean_text`` folded onto a single line."""
    return collapse_space(strip_glosses(collapse_space(text)))
