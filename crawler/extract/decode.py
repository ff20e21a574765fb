"""Bytes → text, checking every guess: a page is decoded by a charset only when its bytes
decode cleanly with it and the text is plausible.

Order: the BOM; then bytes that are valid multi-byte UTF-8, whatever the page declares (no
legacy Chinese text is valid UTF-8 by accident, and real sites send UTF-8 under
``<meta charset=gb2312>``); then the declarations — the HTTP header's, then the page's
``<meta>`` — each used only when it decodes cleanly (real sites send GBK under
``charset=utf-8`` headers); then detection: strict UTF-8, then GB18030 and Big5,
with charset-normalizer choosing when both of those decode. A page no candidate reads without
many replacement characters raises ``Undecodable``: it is recorded, never archived as mojibake.
w3lib maps the legacy labels (gb2312 → gb18030, big5 → big5hkscs, latin1 → cp1252) as the
WHATWG encoding standard says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

UTF8 = "utf-8"
LEGACY_CHINESE = ("gb18030", "big5hkscs")
# Characters typical of bytes decoded with the wrong single-byte charset (Latin-1 supplement,
# C1 controls) or of a wrong legacy table (private use area, replacement character).
_MOJIBAKE = re.compile("[\u0080-\u00ff\ue000-\uf8ff\ufffd]")
MAX_MOJIBAKE_SHARE = 0.2  # of the non-ASCII characters; real Chinese pages have next to none
MAX_REPLACEMENTS_PER_1000 = 1  # a few broken bytes (a cut multi-byte character) are tolerated


class Undecodable(ValueError):
    """No charset reads the page: its bytes would become mojibake or replacement characters."""


class Decoded(NamedTuple):
    text: str
    charset: str
    utf8: bytes | None  # the page's own bytes when they are ``text`` in UTF-8, byte for byte


def decode_html(body: bytes, *, http_charset: str | None = None) -> str:
    """The page's text; raises ``Undecodable`` rather than returning mojibake."""
    return decode_body(body, http_charset=http_charset).text


def decode_page(body: bytes, *, http_charset: str | None = None) -> tuple[str, str]:
    """(text, charset) of a page."""
    text, charset, _ = decode_body(body, http_charset=http_charset)
    return text, charset


def decode_body(body: bytes, *, http_charset: str | None = None) -> Decoded:
    """The page's text and charset, and its bytes when they are already the text's UTF-8:
    the parser reads those as they are, instead of the text encoded again."""
    bom_encoding, mark = read_bom(body)
    if bom_encoding and mark:
        text = body[len(mark) :].decode(bom_encoding, errors="replace")
        if _is_tolerable(text):
            return Decoded(text, bom_encoding, None)
        raise Undecodable(f"does not decode as {bom_encoding}, its byte-order mark")
    if not body.isascii() and (utf8 := _strict(body, UTF8)) is not None:
        # valid multi-byte UTF-8 is no accident, whatever the page declares
        return Decoded(utf8, UTF8, body)
    declared = list(_declared(body, http_charset))
    for encoding in declared:
        pieces = _strict_pieces(body, encoding)
        if pieces is not None and pieces_plausible(pieces):
            return Decoded("".join(pieces), encoding, body if encoding == UTF8 else None)
    return _detected(body, declared)


def _declared(body: bytes, http_charset: str | None) -> Iterator[str]:
    seen: set[str] = set()
    for label in (http_charset, html_body_declared_encoding(body[:4096])):
        encoding = resolve_encoding(label) if label else None
        if encoding and encoding not in seen:
            seen.add(encoding)
            yield encoding


def _strict(body: bytes, encoding: str) -> str | None:
    pieces = _strict_pieces(body, encoding)
    return "".join(pieces) if pieces is not None else None


def _strict_pieces(body: bytes, encoding: str) -> list[str] | None:
    """The page decoded without errors, in pieces whose concatenation is its text; None when
    its bytes are not of ``encoding``."""
    try:
        if encoding in SPLIT_AT_LT:
            return decode_in_pieces(body, encoding)
        return [body.decode(encoding)]
    except (UnicodeDecodeError, LookupError):
        return None


# In these charsets no byte of a multi-byte character is below 0x40, so "<" (0x3C) always
# stands for itself and a page decodes piece by piece between two of them. CPython's CJK
# codecs read ASCII as slowly as Han text (~5 ns a byte, a hundred times UTF-8's speed), and a
# portal page is mostly ASCII markup and scripts: pieces that are all ASCII skip the codec.
SPLIT_AT_LT = frozenset(("gb18030", "gbk", "big5", "big5hkscs"))
PIECE_BYTES = 4096


def decode_in_pieces(body: bytes, encoding: str, *, piece_bytes: int = PIECE_BYTES) -> list[str]:
    """``body.decode(encoding)`` (strict) in pieces, for an encoding of SPLIT_AT_LT: pieces of
    ASCII bytes skip the codec (and plausibility checks skip them: see ``pieces_plausible``)."""
    pieces: list[str] = []
    start = 0
    while start < len(body):
        end = body.find(b"<", start + piece_bytes)
        if end == -1:
            end = len(body)
        piece = body[start:end]
        pieces.append(piece.decode("ascii") if piece.isascii() else piece.decode(encoding))
        start = end
    return pieces


def _detected(body: bytes, declared: list[str]) -> Decoded:
    """Pages no declaration reads: UTF-8, else the legacy Chinese charset that reads them
    cleanly, else the first charset that reads them with only a few broken bytes."""
    text = _strict(body, UTF8)
    if text is not None:
        return Decoded(text, UTF8, body)
    clean = {e: t for e in LEGACY_CHINESE if (t := _strict_pieces(body, e)) is not None}
    plausible = {e: "".join(t) for e, t in clean.items() if pieces_plausible(t)}
    if len(plausible) == 2:  # both read it: let the detector judge which reads Chinese
        best = from_bytes(body, cp_isolation=list(plausible)).best()
        chosen = resolve_encoding(best.encoding) if best and best.encoding else None
        text = plausible.get(chosen or "", plausible[LEGACY_CHINESE[0]])
        return Decoded(text, chosen or "gb18030", None)
    if plausible:
        encoding, text = next(iter(plausible.items()))
        return Decoded(text, encoding, None)
    for encoding in dict.fromkeys([*declared, UTF8, *LEGACY_CHINESE]):
        text = body.decode(encoding, errors="replace")
        if _is_tolerable(text):
            return Decoded(text, encoding, None)
    raise Undecodable("no charset reads the page without replacement characters or mojibake")


def _is_tolerable(text: str) -> bool:
    """A few replacement characters (a cut multi-byte character), no mojibake."""
    replacements = text.count("\ufffd")
    allowed = max(2, len(text) * MAX_REPLACEMENTS_PER_1000 // 1000)
    return replacements <= allowed and is_plausible(text)


def is_plausible(text: str) -> bool:
    """False for text that looks like bytes read with the wrong charset."""
    return pieces_plausible((text,))


SAMPLE_CHARS = 20000  # of the page's start, where plausibility is judged


def pieces_plausible(pieces: Iterable[str]) -> bool:
    """``is_plausible`` of the pieces' concatenation, without scanning its all-ASCII pieces
    (``str.isascii`` is free for them): on a portal page, most of the sample's head scripts."""
    non_ascii = mojibake = seen = 0
    for piece in pieces:
        part = piece[: SAMPLE_CHARS - seen]
        if not part.isascii():
            non_ascii += len(part) - len(part.encode("ascii", "ignore"))
            mojibake += len(_MOJIBAKE.findall(part))
        seen += len(part)
        if seen >= SAMPLE_CHARS:
            break
    return not non_ascii or mojibake <= non_ascii * MAX_MOJIBAKE_SHARE


def decode_text(data: bytes) -> str:
    """A plain-text file: BOM or UTF-8 when it decodes, else GB18030; never an error."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode(UTF8, errors="replace")
    encoding = UTF8 if _strict(data, UTF8) is not None else "gb18030"
    return data.decode(encoding, errors="replace")
