"""Write pinyin into clean text the way accessibility toolbars and mirror sites do: inline
glosses and ``<ruby>`` markup."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from itertools import count

from pypinyin import Style, pinyin

HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# How a gloss is written: template applied to (tone-marked, numbered) readings.
GLOSS_STYLES = ("({mark})", "（{mark}）", "({mark} )", "({number})")


class GlossInjector:
    """Adds a gloss after every ``every``-th Han character, cycling through GLOSS_STYLES."""

    def __init__(self, every: int, styles: tuple[str, ...] = GLOSS_STYLES) -> None:
        self.every = every
        self.styles = styles
        self._counter: Iterator[int] = count(1)

    def __call__(self, text: str) -> str:
        if self.every <= 0:
            return text
        return HAN_RUN.sub(self._gloss_run, text)

    def _gloss_run(self, match: re.Match[str]) -> str:
        run = match.group()
        marks = [r[0] for r in pinyin(run, style=Style.TONE)]
        numbers = [r[0] for r in pinyin(run, style=Style.TONE3, neutral_tone_with_five=True)]
        out: list[str] = []
        for char, mark, number in zip(run, marks, numbers, strict=True):
            out.append(char)
            n = next(self._counter)
            if n % self.every == 0:
                style = self.styles[(n // self.every) % len(self.styles)]
                out.append(style.format(mark=mark, number=number))
        return "".join(out)


def with_ruby(text: str) -> str:
    """Ruby markup on the first Han characters, the way pinyin toolbars write it."""
    out = []
    for position, char in enumerate(text):
        if position < 6 and "\u4e00" <= char <= "\u9fff":
            reading = pinyin(char, style=Style.TONE)[0][0]
            out.append(f"<ruby>{escape(char)}<rp>(</rp><rt>{reading}</rt><rp>)</rp></ruby>")
        else:
            out.append(escape(char, quote=False))
    return "".join(out)
