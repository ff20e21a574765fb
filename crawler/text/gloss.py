"""Remove inline pinyin glosses: ``安(ān)全`` → ``安全``, keeping every real parenthesis.

A gloss is pinyin in parentheses directly after the Han character(s) it reads. It is removed
only when the pinyin is a valid reading of those characters (any of pypinyin's heteronym
readings, never the contextual one, because injected glosses are often contextually wrong:
``省長(cháng)``). Anything else in parentheses (``(一)``, ``(WHO)``, ``件(a)``) stays.

Two refinements: capitalised words without tone marks or digits (``北京(Beijing)``,
``(Hanyu Pinyin)``) are a translation, never a gloss, whatever they spell; and a gloss written
after a space (``安 (ān)``) goes with that space.

The rule is applied left to right (``_drop_glosses_in_order``): each pinyin-looking group is
judged against the text kept before it. That costs Python work per group, so every lower-case
one-character gloss of the common Han block is also compiled, once per process, into one regex
(``one_char_gloss_regex``) that removes them in a single C pass first; the rule then settles
only what that pass leaves. The regex is a pure function of pypinyin's dictionary, so results
never depend on what was cleaned before. See ``bench/gloss_throughput.py``. Inside
``without_compiling()`` a process that has not built it yet cleans by the rule alone: same
results, for a crawl whose extraction process is still building its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from pypinyin import Style, pinyin
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.style import convert

# Han ideographs: CJK unified (basic, ext. A), compatibility, ext. B+ (astral), and 〇.
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
_PINYIN_LETTERS = "a-zA-Z" + _TONE_VOWELS + _TONE_VOWELS.upper() + "\u0300\u0301\u0304\u030c"
# One parenthesis group holding only pinyin: letters, tone digits, "u:" and inner spaces.
_OPEN, _CLOSE, _SPACES = "[(（]", "[)）]", " \u3000"
_PINYIN_INSIDE = rf"[{_SPACES}]*[{_PINYIN_LETTERS}][{_PINYIN_LETTERS}1-5:'’{_SPACES}]*"
_GROUP = _OPEN + _PINYIN_INSIDE + _CLOSE
MAX_GLOSS_LENGTH = 40  # characters between the parentheses; a longer group is never a gloss
# A group that may be a gloss, as the text is scanned: _GROUP, at most MAX_GLOSS_LENGTH inside.
_CANDIDATE = re.compile(
    rf"{_OPEN}(?=[^()（）]{{1,{MAX_GLOSS_LENGTH}}}{_CLOSE}){_PINYIN_INSIDE}{_CLOSE}"
)
_ONE_GROUP = re.compile(_GROUP)
_HAN_CHAR = re.compile(rf"[{HAN}]")
_TONE_MARKS = frozenset(_TONE_VOWELS.replace("ü", "") + _TONE_VOWELS.upper().replace("Ü", ""))
_TONE_MARKS |= frozenset("\u0300\u0301\u0304\u030c12345")
MAX_GAP = 2  # spaces a gloss may stand after its characters (``安 (ān)``); they go with it

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


def is_romanised_name(inside: str) -> bool:
    """True for capitalised words without tone marks or tone digits (``Beijing``, ``Hanyu
    Pinyin``): a translation or a name, which injected glosses (lower case, toned) never are."""
    return inside.lstrip(_SPACES)[:1].isupper() and _TONE_MARKS.isdisjoint(inside)


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
    if is_romanised_name(group[1:-1]):
        return False
    gloss = _normalise(group[1:-1])
    if not gloss:
        return False
    syllables_max = min(len(han_run), MAX_GLOSSED_CHARS)
    return any(_reads_as(han_run[-k:], gloss) for k in range(1, syllables_max + 1))


_HAN_RUN_AT_END = re.compile(rf"[{HAN}]{{1,{MAX_GLOSSED_CHARS}}}\Z")


def _glosses_end_of(kept: str, group: str) -> bool:
    """True when ``group`` reads the Han characters that end ``kept`` (the text kept so far)."""
    han_run = _HAN_RUN_AT_END.search(kept)
    if han_run is None:
        return False
    char = kept[-1]
    if _reads_end_of(char, group):
        return True
    if han_run.end() - han_run.start() == 1 or not _ends_with_a_reading(char, group):
        return False
    return _reads_end_of(han_run.group(), group)


@lru_cache(maxsize=65536)
def _ends_with_a_reading(char: str, group: str) -> bool:
    """Whether the pinyin of ``group`` ends with a reading of ``char``: if not, it reads no word
    ending in ``char`` either, and the costlier search of longer words is spared (``組織(WHO)``)."""
    gloss = _normalise(group[1:-1])
    return any(gloss.endswith(spelling) for spelling in readings(char))


def _first_candidate(text: str) -> int:
    """Where the first pinyin-looking group of ``text`` starts, or -1. Most texts that get here
    hold a few real parentheses, and finding those with str.find is far cheaper than a regex
    scan of the whole text."""
    first = -1
    for opening in "(（":
        position = text.find(opening)
        while position != -1 and (first == -1 or position < first):
            if _CANDIDATE.match(text, position):
                first = position
                break
            position = text.find(opening, position + 1)
    return first


def _drop_glosses_in_order(text: str) -> tuple[str, int]:
    """The rule itself, left to right: ``text`` without the groups that read the Han characters
    kept right before them (up to MAX_GAP spaces between, which go too), and how many those
    were. Stacked glosses (``會(hui)(hui)``) fall out of the order: the second is judged against
    the 會 kept before the first."""
    first = _first_candidate(text)
    if first == -1:
        return text, 0
    kept: list[str] = []
    tail = ""  # the last MAX_GLOSSED_CHARS characters kept
    position = dropped = 0
    for match in _CANDIDATE.finditer(text, first):
        between, group = text[position : match.start()], match.group()
        position = match.end()
        before_gap = between.rstrip(_SPACES)
        if len(between) - len(before_gap) > MAX_GAP:
            before_gap = between
        candidate_tail = (tail + before_gap)[-MAX_GLOSSED_CHARS:]
        if _glosses_end_of(candidate_tail, group):
            dropped += 1
            kept.append(before_gap)
            tail = candidate_tail
        else:
            kept.append(between + group)
            tail = (tail + between + group)[-MAX_GLOSSED_CHARS:]
    kept.append(text[position:])
    return "".join(kept), dropped


def _trie(words: Iterable[str], after_word: Callable[[str], str], prefix: str = "") -> str:
    """A regex for ``words`` (each starting with ``prefix``) nested letter by letter, so that the
    engine tries a few branches per letter rather than every word; ``after_word(word)`` follows
    each complete word."""
    by_next: dict[str, list[str]] = {}
    branches = []
    for word in words:
        if word == prefix:
            branches.append(after_word(word))
        else:
            by_next.setdefault(word[len(prefix)], []).append(word)
    # The engine tries branches in order: the letters that start the most words go first.
    for letter, longer in sorted(by_next.items(), key=lambda item: -len(item[1])):
        branches.append(re.escape(letter) + _trie(longer, after_word, prefix + letter))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


COMPILED_BLOCK = range(0x4E00, 0xA000)  # the common Han block; rarer characters go by the rule


@lru_cache(maxsize=4096)
def _plain_spellings(reading: str) -> frozenset[str]:
    """How pages write one tone-marked reading in lower case: marked, numbered, toneless,
    with ü also as v; only spellings the rule sees as pinyin (not ``ế``, say)."""
    forms = {reading, convert(reading, Style.TONE3, strict=False)}
    forms.add(convert(reading, Style.NORMAL, strict=False))
    forms |= {form.replace("ü", "v") for form in forms if "ü" in form}
    return frozenset(form for form in forms if _ONE_GROUP.fullmatch(f"({form})"))


def one_char_gloss_spellings() -> dict[str, str]:
    """Spelling → the characters of COMPILED_BLOCK it reads, from pypinyin's dictionary."""
    chars_by_spelling: dict[str, list[str]] = {}
    for codepoint, readings_text in pinyin_dict.items():
        if codepoint in COMPILED_BLOCK:
            for reading in readings_text.split(","):
                for spelling in _plain_spellings(reading):
                    chars_by_spelling.setdefault(spelling, []).append(chr(codepoint))
    return {spelling: _char_class(chars) for spelling, chars in chars_by_spelling.items()}


def _char_class(chars: list[str]) -> str:
    """The inside of a regex character class for ``chars``, runs written as ranges."""
    points = sorted({ord(char) for char in chars})
    parts, start = [], 0
    for index in range(1, len(points) + 1):
        if index == len(points) or points[index] != points[index - 1] + 1:
            low, high = chr(points[start]), chr(points[index - 1])
            parts.append(low if low == high else f"{low}-{high}")
            start = index
    return "".join(parts)


@lru_cache(maxsize=1)
def one_char_gloss_regex() -> re.Pattern[str]:
    """Every lower-case gloss of one character of COMPILED_BLOCK, as one regex: a trie of
    spellings, each allowed only after its characters (a lookbehind), then up to 3 spaces and
    the closing parenthesis. Whether a group right after one Han character glosses it depends
    on nothing else, so this removes nothing the rule would keep. Built once (~1 s)."""
    classes = one_char_gloss_spellings()

    def only_after_its_chars(spelling: str) -> str:
        return f"(?<=[{classes[spelling]}]{_OPEN}{re.escape(spelling)})"

    words = _trie(classes, only_after_its_chars)
    return re.compile(f"{_OPEN}{words}[{_SPACES}]{{0,3}}{_CLOSE}")


# False inside ``without_compiling()``: the compiled pass is used only when already built.
_MAY_COMPILE: ContextVar[bool] = ContextVar("partyfield_gloss_may_compile", default=True)


@contextmanager
def without_compiling() -> Iterator[None]:
    """Clean without building the compiled pass (~1 s) when this process has not built it yet:
    by the rule alone, with the same results. For the few pages a crawl reads itself while its
    extraction process builds the pass (``crawler.offload``): there, it would cost more than
    it saves."""
    token = _MAY_COMPILE.set(False)
    try:
        yield
    finally:
        _MAY_COMPILE.reset(token)


def _strip(text: str) -> tuple[str, int]:
    """``text`` without its glosses, and how many there were."""
    if not _MAY_COMPILE.get() and one_char_gloss_regex.cache_info().currsize == 0:
        return _drop_glosses_in_order(text)
    stripped, dropped = one_char_gloss_regex().subn("", text)  # one C pass
    if "(" in stripped or "（" in stripped:  # the groups left, the rule settles
        stripped, more = _drop_glosses_in_order(stripped)
        dropped += more
    return stripped, dropped


def strip_glosses_by_rule(text: str) -> str:
    """Every gloss removed by the rule alone, without the compiled pass (the reference the
    fast path is tested against)."""
    return _drop_glosses_in_order(text)[0]


def strip_glosses_everywhere(text: str) -> str:
    """Remove every gloss, with no regard for texts that discuss pinyin."""
    if "(" not in text and "（" not in text:
        return text
    return _strip(text)[0]


def count_glosses(text: str) -> int:
    """How many parenthesis groups of ``text`` are glosses."""
    return _strip(text)[1]


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
    stripped, dropped = _strip(text)
    return text if dropped and is_pinyin_discussion(text, dropped) else stripped
