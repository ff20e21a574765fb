"""The labelled info line of article pages: ``发布时间：… 来源：… 作者：… 点击数：…``.

Several labels often share one line or one text node; each value runs to the next label.
A label with nothing after it means null — never the next label's text.
"""

from __future__ import annotations

import re

# Article field → labels, longest first within a field so "信息来源" wins over "来源".
INFO_LABELS: dict[str, tuple[str, ...]] = {
    "published_at": (
        "发布时间", "發布時間", "發佈時間", "发布日期", "發布日期", "发表时间", "發表時間",
        "更新时间", "更新時間", "成文日期", "日期", "时间", "時間",
    ),
    "source": (
        "信息来源", "信息來源", "文章来源", "文章來源", "稿源", "来源", "來源", "出处", "出處",
    ),
    "author": ("撰稿人", "作者", "记者", "記者", "撰稿", "撰文", "通讯员", "通訊員"),
    "views": (
        "浏览次数", "瀏覽次數", "阅读次数", "閱讀次數", "点击次数", "點擊次數", "点击数",
        "點擊數", "点击量", "點擊量", "访问量", "訪問量", "浏览量", "瀏覽量", "阅读量", "閱讀量",
        "浏览", "瀏覽", "阅读", "閱讀", "点击", "點擊",
    ),
}  # fmt: skip
_ALL_LABELS = sorted(
    (label for labels in INFO_LABELS.values() for label in labels), key=len, reverse=True
)
FIELD_OF_INFO_LABEL = {label: f for f, labels in INFO_LABELS.items() for label in labels}
# A label, then its colon; "[" or "【" may open the pair ("【来源：新华社】").
_LABEL = re.compile(r"(?P<label>" + "|".join(_ALL_LABELS) + r")\s*[:：]")
# Labels that end longer words ("活动时间", "截止日期"): after a Han character they count only
# in a line that already holds a label, as in "来源：新华社时间：2024-01-29" glued together.
_WEAK_LABELS = frozenset("时间 時間 日期 阅读 閱讀 浏览 瀏覽 点击 點擊".split())
_HAN = re.compile(r"[\u4e00-\u9fff]")
# What separates one pair from the next and is never part of a value.
_VALUE_EDGES = " \t\u3000|｜/丨·•【】[]()（）,，;；"
MAX_INFO_LINE = 200  # a longer text is article prose that happens to contain "来源："

# Lines of a body that are the editor's sign-off, not the article's text.
_EDITOR_LINE = re.compile(
    r"^[\[【(（]?\s*(?:责任编辑|責任編輯|责编|責編|编辑|編輯|审核|審核|审稿|審稿|校对|校對|"
    r"初审|初審|复审|複審|终审|終審|签发|簽發)\s*[:：]"
)


def read_info_line(text: str) -> dict[str, str | None]:
    """Values of the labelled fields in ``text`` (first of each field); None for an empty label.

    >>> read_info_line("发布时间：2024-01-29  来源：  作者：李明")
    {'published_at': '2024-01-29', 'source': None, 'author': '李明'}
    """
    if len(text) > MAX_INFO_LINE:
        return {}
    found: dict[str, str | None] = {}
    matches = _labels(text)
    for match, following in zip(matches, [*matches[1:], None], strict=False):
        end = following.start() if following is not None else len(text)
        value = text[match.end("label") : end].lstrip(":： ").strip(_VALUE_EDGES)
        field = FIELD_OF_INFO_LABEL[match.group("label")]
        found.setdefault(field, value or None)
    return found


def _labels(text: str) -> list[re.Match[str]]:
    """The label matches of ``text`` that are labels (see _WEAK_LABELS), in order."""
    found: list[re.Match[str]] = []
    for match in _LABEL.finditer(text):
        start = match.start()
        weak = match.group("label") in _WEAK_LABELS and start > 0 and _HAN.match(text[start - 1])
        if not weak or found:
            found.append(match)
    return found


def has_info_label(text: str) -> bool:
    """True for a short text holding at least one labelled pair."""
    return len(text) <= MAX_INFO_LINE and bool(_labels(text))


def is_editor_line(line: str) -> bool:
    """True for ``责任编辑：…`` and its kin at a body's end."""
    return len(line) <= 60 and _EDITOR_LINE.match(line.strip()) is not None


def views_of(value: str | None) -> int | None:
    """A count as an integer; None when the page shows no digits (often JS-filled)."""
    digits = re.sub(r"[^\d]", "", value or "")
    return int(digits) if digits and len(digits) < 12 else None
