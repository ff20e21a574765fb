"""Line-level cleaning of flattened pages: repeated blocks and page chrome."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Whole lines that belong to the page frame, never to an article.
_CHROME = re.compile(
    r"""^(?:
        (?:掃|扫)(?:描|一掃|一扫)?(?:二維碼|二维码)?.{0,12}(?:手機|手机).{0,4}(?:看|查看|閱讀|阅读|瀏覽|浏览)?
      | (?:微信)?(?:公衆號|公众号|公眾號|公衆号|公众號)(?:二維碼|二维码)?
      | 微信(?:掃一掃|扫一扫|二維碼|二维码)?
      | (?:上一篇|下一篇|上一個|下一個|上一个|下一个|上一條|下一條|上一条|下一条
        |上一頁|下一頁|上一页|下一页)
        (?:\s*[:：].*)?
      | (?:copyright|©|\(c\)).*
      | .*(?:版權所有|版权所有|all\ rights\ reserved).*
      | (?:分享到|分享)[:：].{0,30}
      | (?:[【\[]?(?:打印本頁|打印本页|打印|關閉窗口|关闭窗口|关闭|關閉|返回頂部|返回顶部|返回列表
        |字体|字體|字号|字號)(?:[:：]\s*大\s*中\s*小)?[】\]]?\s*)+
      | (?:掃一掃|扫一扫)在手機打開當前頁|扫一扫在手机打开当前页
      | produced\ by.*
      | (?:詳情|详情)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
MAX_CHROME_LINE = 60  # chrome lines are short; a long line is article text whatever it says


def is_chrome_line(line: str) -> bool:
    """True for a line of page chrome: QR captions, 公众号, prev/next links, copyright."""
    stripped = line.strip()
    return len(stripped) <= MAX_CHROME_LINE and _CHROME.match(stripped) is not None


def drop_chrome_lines(lines: Sequence[str]) -> list[str]:
    return [line for line in lines if not is_chrome_line(line)]


def drop_repeated_blocks(lines: Sequence[str], *, min_lines: int = 2) -> list[str]:
    """Keep the first copy of every block of ``min_lines`` or more lines that repeats.

    Templates print the metadata and summary twice (a mobile box and a desktop box); once
    flattened, the second copy is the same run of lines again. Single repeated lines are
    kept: an article may legitimately say the same short thing twice.
    """
    kept: list[str] = []
    index = 0
    while index < len(lines):
        length = _repeat_length(kept, lines, index, min_lines)
        if length:
            index += length
        else:
            kept.append(lines[index])
            index += 1
    return kept


def _repeat_length(kept: Sequence[str], lines: Sequence[str], index: int, min_lines: int) -> int:
    """Length of the longest run starting at ``lines[index]`` already present in ``kept``."""
    best = 0
    for start in range(len(kept)):
        length = 0
        while (
            start + length < len(kept)
            and index + length < len(lines)
            and kept[start + length] == lines[index + length]
            and lines[index + length].strip()
        ):
            length += 1
        best = max(best, length)
    return best if best >= min_lines else 0
