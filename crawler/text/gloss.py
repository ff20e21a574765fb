"""Remove inline pinyin glosses: ``安(ān)全`` → ``安全``, keeping every real parenthesis.

A gloss is pinyin in parentheses directly after the Han character(s) it reads. It is removed
only when the pinyin is a valid reading of those characters (any of pypinyin's heteronym
readings, never the contextual one, because injected glosses are often contextually wrong:
``省長(cháng)``). Anything else in parentheses (``(一)``, ``(WHO)``, ``件(a)``) stays.

Speed (see ``bench/gloss_throughput.py``): one C ``re.split`` of the reversed text yields every
candidate group together with the character before it; each such piece's fate is cached in a
dict, so the usual one-character gloss costs one lookup and no Python code runs per group.
Only stacked glosses and glosses of whole words look further back, at up to
MAX_GLOSSED_CHARS characters of the text already kept.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice

from pypinyin import Style, pinyin

# Han ideographs: CJK unified (basic, ext. A), compatibility, ext. B+ (astral), and 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_PINYIN_LETTERS = "a-zA-Z" + _TONE_VOWELS + _TONE_VOWELS.upper() + "\u0300\u0301\u0304\u030c"
# One parenthesis group holding only pinyin: letters, tone digits, "u:" and inner spaces.
_GROUP = rf"[(（][ \u3000]*[{_PINYIN_LETTERS}][{_PINYIN_LETTERS}1-5:'’ \u3000]*[)）]"
# What a gloss may hold, loosely, in a few ranges (each character of a candidate is tested
# against this class, so it is kept short): printable ASCII but parentheses, Latin letters with
# diacritics, combining marks, ḿ, ’ and the ideographic space. _GROUP then checks exactly.
_LATIN_RUN = "[ -'*-~\u00c0-\u024f\u0300-\u036f\u1e3e\u1e3f\u2019\u3000]{1,40}"
# A candidate group in the *reversed* text, with the character that precedes it in the
# original unless that is a parenthesis: "安(ān)" reversed is ")nā(安". Captured, so that
# re.split keeps it: text, group, text, …
_CANDIDATES_BACKWARDS = re.compile(rf"([)）]{_LATIN_RUN}[(（][^()（）]?)")
_ONE_GROUP = re.compile(_GROUP)
_HAN_RUN = re.compile(rf"[{HAN}]+")
_HAN_CHAR = re.compile(rf"[{HAN}]")

MAX_GLOSSED_CHARS = 8  # longest word a single gloss reads (高质量(gāo zhì liàng) is 3)
# Words that mark a text *about* pinyin, whose few glosses are content, not injection.
DISCUSSION_MARKERS = (
    "拼音",
    "读音",
    "讀音",
    "注音",
    "读作",
    "讀作",
    "念作",
    "唸作",
    "发音",
    "發音",
)
# The markers by their last character: finding those characters is a fast substring search,
# and few texts hold them (a regex for the markers scans far slower, character by character).
_MARKERS_BY_END = {
    end: tuple(marker for marker in DISCUSSION_MARKERS if marker.endswith(end))
    for end in sorted({marker[-1] for marker in DISCUSSION_MARKERS})
}
DISCUSSION_MAX_GLOSS_RATIO = 0.02  # glosses per Han character above which a text is injected
DISCUSSION_MAX_GLOSSES = 3  # a discussion may always show this many readings


def _normalise(pinyin_text: str) -> str:
    """Lower-case, precomposed, ``v``/``u:`` spelled ``ü``, no spaces or apostrophes."""
    text = unicodedata.normalize("NFC", pinyin_text.lower())
    text = text.replace("u:", "ü").replace("v", "ü")
    return re.sub(r"[ \u3000'’]", "", text)


@lru_cache(maxsize=65536)
def readings(char: str) -> frozenset[str]:
    """Every spelling of every reading of one Han character, normalised.

    For 绿: lǜ, lü4, lü (tone marks, numbered tones, toneless; neutral as bare or 5).
    """
    spellings: set[str] = set()
    for style in (Style.TONE, Style.TONE3, Style.NORMAL):
        for variants in pinyin(char, style=style, heteronym=True, errors="ignore"):
            spellings.update(_normalise(v) for v in variants)
    spellings.update(f"{s}5" for s in list(spellings) if s.isalpha() and s.isascii())
    spellings.update(_normalise(v) + "5" for v in _neutral_bases(char))
    return frozenset(s for s in spellings if s)


def _neutral_bases(char: str) -> list[str]:
    return [v for vs in pinyin(char, style=Style.NORMAL, heteronym=True) for v in vs]


def _reads_as(chars: str, gloss: str) -> bool:
    """True when ``gloss`` (normalised) spells one reading of each of ``chars`` in order."""
    if not chars:
        return not gloss
    for spelling in readings(chars[0]):
        if gloss.startswith(spelling) and _reads_as(chars[1:], gloss[len(spelling) :]):
            return True
    return False


def is_gloss_of(han_run: str, group: str) -> bool:
    """True when ``group`` "(…)" is pinyin reading the last 1..MAX_GLOSSED_CHARS characters of
    ``han_run``: the whole rule for one group."""
    return _ONE_GROUP.fullmatch(group) is not None and _reads_end_of(han_run, group)


@lru_cache(maxsize=262144)
def _reads_end_of(han_run: str, group: str) -> bool:
    """``is_gloss_of`` for a group already known to hold only pinyin."""
    gloss = _normalise(group[1:-1])
    if not gloss:
        return False
    syllables_max = min(len(han_run), MAX_GLOSSED_CHARS)
    return any(_reads_as(han_run[-k:], gloss) for k in range(1, syllables_max + 1))


_KEEP, _DROP, _LOOK_BACK = "keep", "drop", "look back"


def _verdict(key: str) -> str:
    """What becomes of a group, from ``key`` = the character before it + the group (or the group
    alone, after another group or at the start of the text).

    _DROP: it glosses that character; _KEEP: it is no gloss there; _LOOK_BACK: it may gloss a longer
    word ending in that character, or follow another gloss (stacked), so the text further back
    decides.
    """
    char_before, group = ("", key) if key[0] in "(（" else (key[0], key[1:])
    if not _ONE_GROUP.fullmatch(group):
        return _KEEP
    if not char_before:
        return _LOOK_BACK
    if not _HAN_CHAR.match(char_before):
        return _KEEP
    return _DROP if _reads_end_of(char_before, group) else _LOOK_BACK


# Stands for a _LOOK_BACK piece until its turn comes: a noncharacter, no dropped or kept value,
# so one fast substring test of the joined text tells whether any piece is still undecided.
_UNDECIDED = "\uffff"


class _BackwardsVerdicts(dict[str, str]):
    """What replaces a piece of the backwards split: the piece itself (kept), the character
    before the group (dropped) or _UNDECIDED. A dict, so a hit costs one C-level lookup."""

    def __missing__(self, piece: str) -> str:
        if len(self) >= _MAX_VERDICTS:
            self.clear()
        verdict = _verdict(piece[::-1])
        value = piece if verdict == _KEEP else piece[-1] if verdict == _DROP else _UNDECIDED
        self[piece] = value
        return value


_MAX_VERDICTS = 1 << 18
_VERDICTS = _BackwardsVerdicts()


def _undecided_value(piece: str, parts: list[str], index: int) -> str:
    """The value of _LOOK_BACK ``piece`` at ``parts[index]``, once what precedes it in the text
    (later in ``parts``) is settled."""
    char, reversed_group = ("", piece) if piece[-1] in "(（" else (piece[-1], piece[:-1])
    before = char  # the kept text before the group, nearest character first
    for later in islice(parts, index + 1, None):
        if len(before) >= MAX_GLOSSED_CHARS:
            break
        before += later
    han_run = _HAN_RUN.match(before, 0, MAX_GLOSSED_CHARS)
    if han_run and _reads_end_of(han_run.group()[::-1], reversed_group[::-1]):
        return char
    return piece


def _strip(text: str) -> tuple[str, list[str]]:
    """``text`` without its glosses, and what became of each candidate group (see
    _BackwardsVerdicts).

    The text is split *backwards* at every candidate group, so that one C regex pass returns each
    group together with the character before it, the one it would gloss (a forward pattern
    starting at that character cannot use the engine's fast scan for "("). Each piece's value is
    then one dict lookup; only _LOOK_BACK pieces are settled one by one, nearest the start of the
    text first, because each looks at the text kept before it.
    """
    parts = _split_backwards(text[::-1])  # odd indexes: a group (+ the character before it)
    if len(parts) == 1:
        return text, []
    parts[1::2] = values = list(map(_value_of_piece, parts[1::2]))
    stripped = "".join(parts)
    if _UNDECIDED in stripped:
        pieces = _split_backwards(text[::-1])[1::2]  # parts now hold values; rare path
        for number in range(len(values) - 1, -1, -1):
            if values[number] == _UNDECIDED:
                index = 2 * number + 1
                parts[index] = values[number] = _undecided_value(pieces[number], parts, index)
        stripped = "".join(parts)
    return stripped[::-1], values


_split_backwards = _CANDIDATES_BACKWARDS.split
_value_of_piece = _VERDICTS.__getitem__


def strip_glosses_everywhere(text: str) -> str:
    """Remove every gloss, with no regard for texts that discuss pinyin."""
    if "(" not in text and "（" not in text:
        return text
    return _strip(text)[0]


def _dropped(values: list[str]) -> int:
    """How many groups ``_strip`` dropped: a dropped one became 0–1 character, a kept one 3+."""
    lengths = list(map(len, values))
    return lengths.count(1) + lengths.count(0)


def count_glosses(text: str) -> int:
    """How many parenthesis groups of ``text`` are glosses."""
    return _dropped(_strip(text)[1])


def _may_name_pinyin(text: str) -> bool:
    """False when no marker can be in ``text``: a fast test of their last characters."""
    for end in _MARKERS_BY_END:  # noqa: SIM110 -- measured: any() costs more per call here
        if end in text:
            return True
    return False


def names_pinyin(text: str) -> bool:
    """True when ``text`` uses one of DISCUSSION_MARKERS."""
    for end, markers in _MARKERS_BY_END.items():
        position = text.find(end)
        while position != -1:
            for marker in markers:
                start = position + 1 - len(marker)
                if start >= 0 and text.startswith(marker, start):
                    return True
            position = text.find(end, position + 1)
    return False


def is_pinyin_discussion(text: str, glosses: int | None = None) -> bool:
    """True for a text that talks about pronunciation and carries only a few glosses.

    Injected glosses come by the dozen (one every few characters); a text explaining a
    reading (``“行”字讀作(háng)``) names pinyin and shows one now and then. ``glosses`` is
    the count when the caller already knows it.
    """
    if glosses is None:
        glosses = count_glosses(text)
    # Too many even if all of the text were Han; tested first, as it spares the marker search.
    if glosses > DISCUSSION_MAX_GLOSSES and glosses > len(text) * DISCUSSION_MAX_GLOSS_RATIO:
        return False
    if not names_pinyin(text):
        return False
    if glosses <= DISCUSSION_MAX_GLOSSES:
        return True
    han_count = len(_HAN_CHAR.findall(text))  # rare: a text naming pinyin with a few glosses
    return glosses <= max(DISCUSSION_MAX_GLOSSES, han_count * DISCUSSION_MAX_GLOSS_RATIO)


def strip_glosses(text: str) -> str:
    """Remove inline pinyin glosses from ``text``; idempotent.

    Texts that discuss pinyin (see ``is_pinyin_discussion``) come back unchanged.
    """
    if "(" not in text and "（" not in text:
        return text
    stripped, values = _strip(text)
    if len(stripped) == len(text) or not _may_name_pinyin(text):
        return stripped
    return text if is_pinyin_discussion(text, _dropped(values)) else stripped
