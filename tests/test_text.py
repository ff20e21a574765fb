"""The rest of the text library: ruby, whitespace, chrome, repeated blocks, dates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.text import (
    clean_line,
    clean_text,
    collapse_space,
    drop_repeated_blocks,
    is_chrome_line,
    normalise_space,
    parse_published_at,
    space,
    strip_ruby,
)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<ruby>安<rp>(</rp><rt>ān</rt><rp>)</rp></ruby>全", "<ruby>安</ruby>全"),
        ("<ruby>生<rt>shēng</ruby>産", "<ruby>生</ruby>産"),  # </rt> omitted, as HTML allows
        ("<RUBY>漢<RT>hàn</RT>字<RT>zì</RT></RUBY>", "<RUBY>漢字</RUBY>"),
        ("<ruby>東京<rtc><rt>とうきょう</rt></rtc></ruby>", "<ruby>東京</ruby>"),
        ("<p>no ruby (ān) here</p>", "<p>no ruby (ān) here</p>"),
    ],
)
def test_strip_ruby(html: str, expected: str) -> None:
    assert strip_ruby(html) == expected


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-01-29 09:58", "2024-01-29T09:58:00+08:00"),
        ("2024-01-29", "2024-01-29"),
        ("2024年01月29日 09:58", "2024-01-29T09:58:00+08:00"),
        ("2024/1/5 8:03:12", "2024-01-05T08:03:12+08:00"),
        ("2024.03.08", "2024-03-08"),
        ("2024/01/29", "2024-01-29"),
        ("發布時間：2024年1月9日", "2024-01-09"),
        ("2024年1月9日15时30分", "2024-01-09T15:30:00+08:00"),
        ("2024-02-30", None),
        ("2024-01-29 25:61", None),  # an impossible time is no date to guess from
        ("訪問量: 12", None),
        ("", None),
    ],
)
def test_parse_published_at(raw: str, iso: str | None) -> None:
    assert parse_published_at(raw) == iso


@pytest.mark.parametrize(
    "line",
    [
        "掃二維碼用手機看",
        "扫一扫用手机查看",
        "微信公衆号",
        "微信公众号",
        "上一個:學習貫徹",
        "下一篇：無",
        "上一篇",
        "Copyright © 示例礦業 版權所有",
        "版权所有 © 2024 某公司",
        "分享到：",
        "詳情",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "會議號召全體黨員關注“微信公眾號”學習平臺並積極參與線上學習，共同提高理論水平和業務能力。",
        "上一年度工作總結",
        "下一步，要抓好落實。",
        "黨群園地",
        "1月26日下午",
    ],
)
def test_article_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


def test_repeated_blocks_kept_once() -> None:
    lines = (
        "標題|- 分類:學習|- 作者:|【概要描述】|摘要|【概要描述】|- 分類:學習|- 作者:|正文".split(
            "|"
        )
    )
    kept = "標題|- 分類:學習|- 作者:|【概要描述】|摘要|【概要描述】|正文".split("|")
    assert drop_repeated_blocks(lines) == kept


def test_single_repeated_line_is_article_text() -> None:
    lines = ["一、提高認識", "要加強學習。", "二、落實責任", "要加強學習。"]
    assert drop_repeated_blocks(lines) == lines


def test_normalise_space() -> None:
    assert normalise_space(" 第一\u3000段\u00a0 \r\n\n  第二段\u200b ") == "第一 段\n第二段"


# Every space, line break and invisible character collapse_space knows, and some it leaves.
SPACED = st.text(
    alphabet=st.sampled_from(
        list("黨群ab1 \t\r\n\x0b\x0c\x1c\x85\u2028\u00a0\u3000\u2003\u200b\ufeff\u00ad")
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(text=SPACED)
def test_collapse_space_is_its_three_substitutions(text: str) -> None:
    """The shortcut for text with nothing to collapse agrees with the substitutions it skips."""
    expected = space._HSPACE.sub(" ", space._NEWLINES.sub(" ", space._INVISIBLE.sub("", text)))
    assert collapse_space(text) == expected.strip()


def test_clean_text_and_line() -> None:
    assert clean_text("安(ān)全\n\n  科(kē)技(jì ) \n") == "安全\n科技"
    assert clean_line(" 尹弘\n主持(chí)  會議 ") == "尹弘 主持 會議"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_clean_text_never_lengthens_and_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert len(cleaned) <= len(text)
    assert clean_text(cleaned) == cleaned
