"""Whitespace: the many spaces of Chinese web pages folded to one ordinary space."""

from __future__ import annotations

import re

# Zero-width characters and the BOM carry no text.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# Every horizontal space, ideographic and no-break included: " " and the others.
_OTHER_SPACES = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_HSPACE = re.compile(f"[ {_OTHER_SPACES}]+")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def normalise_space(text: str) -> str:
    """Fold runs of spaces into one ASCII space and strip each line; keep line breaks."""
    text = _INVISIBLE.sub("", text)
    text = _HSPACE.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()


def collapse_space(text: str) -> str:
    """One line: every run of whitespace, line breaks included, becomes one space."""
    if _CHANGES_ON_COLLAPSE.search(text) is None:
        return text.strip()  # most one-line fields: one scan instead of three substitutions
    return _HSPACE.sub(" ", _NEWLINES.sub(" ", _INVISIBLE.sub("", text))).strip()


# What the three substitutions of collapse_space act on: an invisible character, a line break,
# a space other than " ", or two spaces in a row.
_CHANGES_ON_COLLAPSE = re.compile(f"[{_INVISIBLE_CHARS}\r\n{_OTHER_SPACES}]|  ")
