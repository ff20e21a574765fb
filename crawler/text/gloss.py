"""Remove inline pinyin glosses: ``安(ān)全`` → ``安全``, keeping every real parenthesis.

A gloss is pinyin in parentheses directly after the Han character(s) it reads. It is removed
only when the pinyin is a valid reading of those characters (any of pypinyin's heteronym
readings, never the contextual one, because injected glosses are often contextually wrong:
``省長(cháng)``). Anything else in parentheses (``(一)``, ``(WHO)``, ``件(a)``) stays.

Speed: one compiled regex finds candidate parentheses holding only pinyin letters; readings are
consulted only for candidates, and every decision is cached on (characters, gloss).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, pinyin

# Han ideographs: CJK unified (basic, ext. A), compatibility, ext. B+ (astral), and 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_PINYIN_LETTERS = "a-zA-Z" + _TONE_VOWELS + _TONE_VOWELS.upper() + "\u0300\u0301\u0304\u030c"
# One parenthesis group holding only pinyin: letters, tone digits, "u:" and inner spaces.
_GROUP = rf"[(（][ \u3000]*[{_PINYIN_LETTERS}][{_PINYIN_LETTERS}1-5:'’ \u3000]*[)）]"
# Candidates: a run of groups right after a Han character (stacked ``的(de)(de)`` included).
_CANDIDATE = re.compile(rf"(?<=[{HAN}])(?:{_GROUP})+")
_ONE_GROUP = re.compile(_GROUP)
_HAN_RUN_END = re.compile(rf"[{HAN}]+$")

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


@lru_cache(maxsize=262144)
def _is_gloss_of(han_run: str, group: str) -> bool:
    """True when ``group`` "(…)" reads the last 1..MAX_GLOSSED_CHARS characters of ``han_run``."""
    gloss = _normalise(group[1:-1])
    if not gloss:
        return False
    syllables_max = min(len(han_run), MAX_GLOSSED_CHARS)
    return any(_reads_as(han_run[-k:], gloss) for k in range(1, syllables_max + 1))


@lru_cache(maxsize=262144)
def _strip_groups(han_run: str, groups: str) -> str:
    """What remains of a run of parenthesis groups written after ``han_run``."""
    kept: list[str] = []
    for match in _ONE_GROUP.finditer(groups):
        group = match.group()
        # A group kept stands between the characters and any later group, shielding it.
        if kept or not _is_gloss_of(han_run, group):
            kept.append(group)
    return "".join(kept)


def _replacement(match: re.Match[str]) -> str:
    start = match.start()
    window = match.string[max(0, start - MAX_GLOSSED_CHARS) : start]
    han_run = _HAN_RUN_END.search(window)
    return _strip_groups(han_run.group() if han_run else "", match.group())


def strip_glosses_everywhere(text: str) -> str:
    """Remove every gloss, with no regard for texts that discuss pinyin."""
    if "(" not in text and "（" not in text:
        return text
    return _CANDIDATE.sub(_replacement, text)


def count_glosses(text: str) -> int:
    """How many parenthesis groups of ``text`` are glosses."""
    removed = 0
    for match in _CANDIDATE.finditer(text):
        kept = _replacement(match)
        removed += len(_ONE_GROUP.findall(match.group())) - len(_ONE_GROUP.findall(kept))
    return removed


def is_pinyin_discussion(text: str) -> bool:
    """True for a text that talks about pronunciation and carries only a few glosses.

    Injected glosses come by the dozen (one every few characters); a text explaining a
    reading (``“行”字讀作(háng)``) names pinyin and shows one now and then.
    """
    if not any(marker in text for marker in DISCUSSION_MARKERS):
        return False
    han_count = len(re.findall(rf"[{HAN}]", text))
    return count_glosses(text) <= max(
        DISCUSSION_MAX_GLOSSES, han_count * DISCUSSION_MAX_GLOSS_RATIO
    )


def strip_glosses(text: str) -> str:
    """Remove inline pinyin glosses from ``text``; idempotent.

    Texts that discuss pinyin (see ``is_pinyin_discussion``) come back unchanged.
    """
    if "(" not in text and "（" not in text:
        return text
    stripped = _CANDIDATE.sub(_replacement, text)
    if stripped != text and is_pinyin_discussion(text):
        return text
    return stripped
