"""Decoding checks itself: a declared charset is used only when the bytes agree with it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.errors import ExtractError
from crawler.extract import extract, parser_input
from crawler.extract.decode import (
    SPLIT_AT_LT,
    Undecodable,
    decode_body,
    decode_in_pieces,
    decode_page,
    is_plausible,
    pieces_plausible,
)

TEXT = "黨群園地：集團召開安全生產專題會議，傳達學習全省電視電話會議精神。"
SIMPLIFIED = "党群园地：集团召开安全生产专题会议，传达学习全省电视电话会议精神。"


def page(text: str, meta: str | None) -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>{text[:8]}</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("text", "encoding", "header", "meta", "expected"),
    [
        (SIMPLIFIED, "gbk", "utf-8", "gbk", "gb18030"),  # header lies, meta is right
        (SIMPLIFIED, "utf-8", None, "gb2312", "utf-8"),  # meta lies
        (SIMPLIFIED, "utf-8", "gbk", None, "utf-8"),  # header lies, no meta
        (SIMPLIFIED, "gbk", "iso-8859-1", None, "gb18030"),  # latin-1 "decodes" anything
        (SIMPLIFIED, "gb18030", None, None, "gb18030"),  # undeclared
        (TEXT, "big5", None, None, "big5hkscs"),  # undeclared Traditional
        (TEXT, "big5", "utf-8", "big5", "big5hkscs"),
        (TEXT, "utf-8", "big5", "big5", "utf-8"),
        (SIMPLIFIED, "gbk", "gbk", "gbk", "gb18030"),  # honest
    ],
)
def test_the_charset_that_reads_the_bytes_wins(
    text: str, encoding: str, header: str | None, meta: str | None, expected: str
) -> None:
    decoded, used = decode_page(page(text, meta).encode(encoding), http_charset=header)
    assert text in decoded
    assert used == expected


def test_a_few_broken_bytes_are_tolerated_under_the_declared_charset() -> None:
    body = page(SIMPLIFIED * 40, "utf-8").encode("utf-8")
    cut = body.index(b"</p>")
    broken = body[:cut] + b"\xe5\x85" + body[cut:]  # a cut character
    decoded, used = decode_page(broken, http_charset="utf-8")
    assert used == "utf-8"
    assert decoded.count(SIMPLIFIED) == 40


def test_bytes_no_charset_reads_are_undecodable() -> None:
    garbage = bytes(range(128, 256)) * 50
    with pytest.raises(Undecodable):
        decode_page(b"<html><body>" + garbage + b"</body></html>", http_charset="utf-8")


def test_extract_reports_undecodable_pages_as_extract_errors() -> None:
    garbage = b"<html><head><title>x</title></head><body>" + bytes(range(128, 256)) * 50
    with pytest.raises(ExtractError) as raised:
        extract("http://a.cn/1.html", garbage + b"</body></html>", http_charset="utf-8")
    assert raised.value.reason.startswith("undecodable")
    assert raised.value.url == "http://a.cn/1.html"


@pytest.mark.parametrize(
    ("text", "plausible"),
    [
        (SIMPLIFIED, True),
        ("plain ASCII page", True),
        (SIMPLIFIED.encode("utf-8").decode("latin-1"), False),
        (SIMPLIFIED.encode("gbk").decode("cp1252", errors="replace"), False),
        ("Café au lait, 1 € " + SIMPLIFIED, True),
    ],
)
def test_plausibility(text: str, plausible: bool) -> None:
    assert is_plausible(text) is plausible


# A page's characters as the legacy codecs see them: ASCII markup and Han text mixed, with the
# letters and digits that GBK and GB18030 also use as trail bytes right after Han characters.
PAGE_CHARS = st.text(
    alphabet=st.sampled_from(list("<>/ab09@~ \n") + list(SIMPLIFIED) + list(TEXT)), max_size=400
)


@settings(max_examples=300, deadline=None)
@given(text=PAGE_CHARS, encoding=st.sampled_from(sorted(SPLIT_AT_LT)), piece=st.integers(1, 40))
def test_decoding_in_pieces_is_decoding_whole(text: str, encoding: str, piece: int) -> None:
    try:
        body = text.encode(encoding)
    except UnicodeEncodeError:
        return  # a character this charset has no bytes for
    pieces = decode_in_pieces(body, encoding, piece_bytes=piece)
    assert "".join(pieces) == body.decode(encoding)
    assert pieces_plausible(pieces) is is_plausible(body.decode(encoding))


def test_a_cut_character_fails_in_pieces_as_whole() -> None:
    body = ("<p>" + SIMPLIFIED * 300).encode("gbk") + b"\xd6<p>"  # a lead byte, then "<"
    with pytest.raises(UnicodeDecodeError):
        body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        decode_in_pieces(body, "gbk")


@pytest.mark.parametrize(
    ("body", "verbatim"),
    [
        (page(SIMPLIFIED, "utf-8").encode("utf-8"), True),
        (page(SIMPLIFIED, "gbk").encode("utf-8"), True),  # the meta lies: UTF-8 all the same
        (page("plain ASCII", "utf-8").encode("ascii"), True),
        (page(SIMPLIFIED, "gbk").encode("gbk"), False),
        (b"\xef\xbb\xbf" + page(SIMPLIFIED, None).encode("utf-8"), False),  # the BOM is not text
        (page(SIMPLIFIED * 40, "utf-8").encode("utf-8").replace(b"</p>", b"\xe5\x85</p>"), False),
    ],
)
def test_the_page_bytes_are_kept_only_when_they_are_the_text_in_utf8(
    body: bytes, verbatim: bool
) -> None:
    decoded = decode_body(body, http_charset=None)
    assert (decoded.utf8 is not None) is verbatim
    if decoded.utf8 is not None:
        assert decoded.utf8 == decoded.text.encode("utf-8")


# Around a page's markup: the spaces str.strip() takes and bytes.strip() does not, NULs, and
# end tags in the wrong place.
EDGES = st.sampled_from(["", " ", "\n", "\u3000", "\xa0", "\x1c", "\x00", "</body>", "</HTML >"])


@settings(max_examples=300, deadline=None)
@given(head=st.lists(EDGES, max_size=4), middle=PAGE_CHARS, tail=st.lists(EDGES, max_size=4))
def test_the_parser_reads_the_same_bytes_whether_or_not_the_page_bytes_are_kept(
    head: list[str], middle: str, tail: list[str]
) -> None:
    text = "".join(head) + "<html><body><p>" + middle + "</body></html>" + "".join(tail)
    assert parser_input(text, text.encode("utf-8")) == parser_input(text)


@pytest.mark.parametrize("stray", ["</body></html>", "</BODY>", "</Html >", "</bOdY\n>"])
def test_stray_end_tags_are_dropped_where_the_page_goes_on_after_them(stray: str) -> None:
    text = f"<html><body><p>one</p>{stray}<p>" + "黨群" * 400 + "</p></body></html>"
    data = parser_input(text, text.encode("utf-8"))
    assert stray.encode() not in data and b"</body>" not in data
    assert data.count("黨群".encode()) == 400
    ending = "<html><body><p>" + "黨群" * 400 + "</p></body></html>\n"
    assert parser_input(ending) == ending.strip().encode("utf-8")  # nothing after them: kept
