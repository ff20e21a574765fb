"""Remove inline pinyin glosses: ``安(ān)全`` → ``安全``, keeping every real parenthesis.

A gloss is pinyin in parentheses directly after the Han character(s) it reads. It is removed
only when the pinyin is a valid reading of those characters (any of pypinyin's heteronym
readings, never the contextual one, because injected glosses are often contextually wrong:
``省長(cháng)``). Anything else in parentheses (``(一)``, ``(WHO)``, ``件(a)``) stays.

Speed: ``re.split`` cuts the text at every innermost parenthesis group in one C pass; each group
then gets a verdict cached on (the character before it, the group), so the usual
one-character gloss costs one cache lookup. Only stacked glosses and glosses of whole words
look further back, at up to MAX_GLOSSED_CHARS characters of the text already kept.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice
from operator import add, itemgetter

from pypinyin import Style, pinyin

# Han ideographs: CJK unified (basic, ext. A), compatibility, ext. B+ (astral), and 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_PINYIN_LETTERS = "a-zA-Z" + _TONE_VOWELS + _TONE_VOWELS.upper() + "\u0300\u0301\u0304\u030c"
# One parenthesis group holding only pinyin: letters, tone digits, "u:" and inner spaces.
_GROUP = rf"[(（][ \u3000]*[{_PINYIN_LETTERS}][{_PINYIN_LETTERS}1-5:'’ \u3000]*[)）]"
# Innermost parenthesis groups, captured so that re.split keeps them: text, group, text, …
_INNER_GROUPS = re.compile(r"([(（][^()（）\n]{1,40}[)）])")
_ONE_GROUP = re.compile(_GROUP)
_IS_HAN = re.compile(rf"[{HAN}]")
_LAST_CHAR = itemgetter(slice(-1, None))  # "" for an empty string
_HAN_RUN_END = re.compile(rf"[{HAN}]+$")
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
_DISCUSSION = re.compile("|".join(DISCUSSION_MARKERS))
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
def _replacement(key: str) -> str | None:
    """What becomes of a group, from ``key`` = the character before it + the group.

    "" for a one-character gloss of that character; the group itself when it cannot be a gloss
    there; None when it may read a longer word ending in that character, or follows another
    group (stacked glosses), so the text further back decides. One string key keeps the cache
    lookup cheap: this runs once per parenthesis group of every text.
    """
    char_before, group = key[0], key[1:]
    if char_before in "(（" or not group:  # nothing before the group but another group
        return None
    if not _IS_HAN.match(char_before) or not _ONE_GROUP.fullmatch(group):
        return group
    return "" if _is_gloss_of(char_before, group) else None


def _kept_tail(parts: list[str], index: int) -> str:
    """The last MAX_GLOSSED_CHARS characters kept before ``parts[index]``."""
    tail = ""
    for position in range(index - 1, -1, -1):
        tail = parts[position] + tail
        if len(tail) >= MAX_GLOSSED_CHARS:
            break
    return tail[-MAX_GLOSSED_CHARS:]


def _strip_in_context(parts: list[str], index: int) -> str:
    group = parts[index]
    if not _ONE_GROUP.fullmatch(group):
        return group
    han_run = _HAN_RUN_END.search(_kept_tail(parts, index))
    return "" if han_run and _is_gloss_of(han_run.group(), group) else group


def _strip(text: str) -> tuple[str, list[str | None]]:
    """``text`` without its glosses, and what became of each parenthesis group ("": removed)."""
    parts = _INNER_GROUPS.split(text)  # even indexes: text; odd: one parenthesis group
    # Most groups are decided by the one character before them, independently of each other,
    # so all of them are looked up at once with C-level maps; the rest go one by one, in order.
    groups = parts[1::2]
    keys = map(add, map(_LAST_CHAR, islice(parts, 0, None, 2)), groups)
    parts[1::2] = replaced = list(map(_replacement, keys))
    if None in replaced:
        for number, outcome in enumerate(replaced):
            if outcome is None:
                index = 2 * number + 1
                parts[index] = groups[number]
                parts[index] = replaced[number] = _strip_in_context(parts, index)
    return "".join(parts), replaced


def strip_glosses_everywhere(text: str) -> str:
    """Remove every gloss, with no regard for texts that discuss pinyin."""
    if "(" not in text and "（" not in text:
        return text
    return _strip(text)[0]


def count_glosses(text: str) -> int:
    """How many parenthesis groups of ``text`` are glosses."""
    return _strip(text)[1].count("")


def is_pinyin_discussion(text: str, glosses: int | None = None) -> bool:
    """True for a text that talks about pronunciation and carries only a few glosses.

    Injected glosses come by the dozen (one every few characters); a text explaining a
    reading (``“行”字讀作(háng)``) names pinyin and shows one now and then. ``glosses`` is
    the count when the caller already knows it.
    """
    if not _DISCUSSION.search(text):
        return False
    if glosses is None:
        glosses = count_glosses(text)
    if glosses <= DISCUSSION_MAX_GLOSSES:
        return True
    if glosses > len(text) * DISCUSSION_MAX_GLOSS_RATIO:  # too many even if all were Han
        return False
    han_count = len(_HAN_CHAR.findall(text))
    return glosses <= max(DISCUSSION_MAX_GLOSSES, han_count * DISCUSSION_MAX_GLOSS_RATIO)


def strip_glosses(text: str) -> str:
    """Remove inline pinyin glosses from ``text``; idempotent.

    Texts that discuss pinyin (see ``is_pinyin_discussion``) come back unchanged.
    """
    if "(" not in text and "（" not in text:
        return text
    stripped, replaced = _strip(text)
    removed = replaced.count("")
    # Injected text carries far more glosses than a discussion may: no need to look further.
    possible = removed and removed <= max(
        DISCUSSION_MAX_GLOSSES, len(text) * DISCUSSION_MAX_GLOSS_RATIO
    )
    if possible and is_pinyin_discussion(text, removed):
        return text
    return stripped
