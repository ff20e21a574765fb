"""Pinyin glosses: every rule in both directions, and properties that hold for any text."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.demo.gloss_injection import GlossInjector
from crawler.text import gloss, strip_glosses
from crawler.text.gloss import (
    HAN,
    count_glosses,
    is_gloss_of,
    is_pinyin_discussion,
    strip_glosses_by_rule,
    strip_glosses_everywhere,
)

REMOVED = [
    ("安(ān)全生産工作(zuò)", "安全生産工作"),
    ("科(kē)技(jì )", "科技"),
    ("安（ān）全", "安全"),
    ("的(de)", "的"),
    ("安全(ān quán)", "安全"),
    ("高质量(gāo zhì liàng)发展", "高质量发展"),
    ("安全(ānquán)", "安全"),
    ("件(jiàn)(a)", "件(a)"),
    ("縣(市、區(qū))", "縣(市、區)"),
    ("(直轄市、自治區(qū))", "(直轄市、自治區)"),
    ("大學(xué)(北京)", "大學(北京)"),
    ("〔關(guān)鍵詞〕", "〔關鍵詞〕"),
    ("分(fēn)類:", "分類:"),
    ("會(hui)(hui)議", "會議"),
    ("的(de)(de)(de)", "的"),
    ("省長(cháng)", "省長"),
    ("為(wèi)契機", "為契機"),
    ("會(huì)計", "會計"),
    ("安(an1)全", "安全"),
    ("绿(lv4)色", "绿色"),
    ("綠(lü4)色", "綠色"),
    ("女(nu:3)職工", "女職工"),
    ("安(Ān)全", "安全"),
    ("安( ān )全", "安全"),
    ("安(a\u0304n)全", "安全"),  # tone mark as a combining character
    ("嗯(ǹg)", "嗯"),
    ("學(xue2)習", "學習"),
    ("他(ta5)", "他"),
    ("安 (ān)", "安"),  # a gloss after a space goes, with the space
    ("安 (ān)全", "安全"),
    ("安全  (ān quán)工作", "安全工作"),
    ("會(hui) (hui)議", "會議"),
    ("北京(Běijīng)", "北京"),  # capitalised but toned: injected
    ("上(Shang4)海", "上海"),  # capitalised with a tone digit: injected
]
KEPT = [
    "(一)",
    "（二）",
    "(2023)",
    "(WHO)",
    "附件(a)",
    "(以下簡稱“集團”)",
    "漢語拼音(Hanyu Pinyin)",
    "(市、區)",
    "12.5億元(同比增長8.3%)",
    "JX-2024(03)號",
    "字母a(ā)",
    "村(居)民",
    "11省(市)",
    "念(háo)",
    "(通訊員 夏丹)",
    "注音(ㄓㄨˋ ㄧㄣ)",
    "假名(かな)",
    "見http://a.cn/x(1).pdf",
    "第(3)款",
    "甲方(Party A)",
    "公司(Co.)",
    "(a)項",
    "(ān)",
    "北京(Beijing)",  # romanised names and terms are translations, not glosses
    "上海市(Shanghai)",
    "漢語拼音(Pinyin)",
    "國語羅馬字(Gwoyeu Romatzyh)",
    "天津 (Tianjin)",
    "安   (ān)",  # three spaces: too far from its character to be its gloss
    "安\n(ān)",
]


@pytest.mark.parametrize(("text", "expected"), REMOVED, ids=[t for t, _ in REMOVED])
def test_gloss_removed(text: str, expected: str) -> None:
    assert strip_glosses(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_parenthesis_kept(text: str) -> None:
    assert strip_glosses(text) == text


def test_pinyin_discussion_keeps_its_few_readings() -> None:
    text = "語言文字工作者講解了多音字的讀音，例如“長”讀作長(cháng)時表示長度，讀作長(zhǎng)時表示成長。"
    assert is_pinyin_discussion(text)
    assert strip_glosses(text) == text
    assert "長(cháng)" not in strip_glosses_everywhere(text)


def test_discussion_with_other_parentheses_keeps_its_readings() -> None:
    """Only glosses count towards the density signal, not every group that looks like pinyin."""
    text = "“行”字的拼音讀作行(háng)時指行業，世界衛生組織(WHO)、附件(a)、甲公司(Co.)、條款(b)。"
    assert count_glosses(text) == 1
    assert strip_glosses(text) == text


def test_injected_text_mentioning_pinyin_is_still_cleaned() -> None:
    injected = "拼音模式：安(ān)全生(shēng)産工(gōng)作(zuò)會(huì)議(yì)在(zài)省(shěng)會(huì)召(zhào)開(kāi)"
    assert not is_pinyin_discussion(injected)
    assert strip_glosses(injected) == "拼音模式：安全生産工作會議在省會召開"


def test_seed_article_has_no_gloss_left(seed_text: str) -> None:
    cleaned = strip_glosses(seed_text)
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+[)）]", cleaned)
    assert "縣(市、區)" in cleaned and "鄉(鎮、街道)" in cleaned


@pytest.fixture
def seed_text() -> str:
    from pathlib import Path

    return (Path(__file__).parent / "pages" / "party-field-article.txt").read_text("utf-8")


# ---------------------------------------------------------------- properties

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
pieces = st.one_of(
    st.text(han, min_size=1, max_size=6),
    st.sampled_from(["安", "全", "會", "的", "長", "縣", "拼音", "讀作"]),
    st.sampled_from(
        [
            "(ān)",
            "(ān quán)",
            "(hui)",
            "(lv4)",
            "(cháng)",
            "(qū)",
            "(Co.)",
            "(Beijing)",
            "(An)",
            "(Ān)",
            "  ",
            "（ān)",
            "（zuò）",
            "(jì )",
            "(de)",
            "(a)",
            "(一)",
            "(2023)",
            "(WHO)",
            "(市、區)",
            "(",
            ")",
            "（",
            "）",
            " ",
            "，",
            "a",
            "1",
        ]
    ),
)
texts = st.lists(pieces, max_size=30).map("".join)
PAREN_GROUP = re.compile(r"[(（][^()（）]*[)）]")


@settings(max_examples=300, deadline=None)
@given(texts)
def test_strip_glosses_is_idempotent(text: str) -> None:
    once = strip_glosses(text)
    assert strip_glosses(once) == once


def _strip_plainly(text: str) -> str:
    """The rule written plainly, left to right: a parenthesis group goes, with up to two spaces
    before it, when it is pinyin reading the Han characters kept right before those."""
    kept, position = "", 0
    for group in re.finditer(r"[(（][^()（）\n]{1,40}[)）]", text):
        between = text[position : group.start()]
        position = group.end()
        gap = re.search(r"[ \u3000]{1,2}\Z", between)
        trimmed = between[: gap.start()] if gap else between
        han_run = re.search(f"[{HAN}]{{1,8}}\\Z", kept + trimmed)
        if han_run and is_gloss_of(han_run.group(), group.group()):
            kept += trimmed
        else:
            kept += between + group.group()
    return kept + text[position:]


@settings(max_examples=500, deadline=None)
@given(texts)
def test_cleaning_agrees_with_the_rule_written_plainly(text: str) -> None:
    """The compiled pass removes nothing the rule would keep, and what it leaves the rule still
    settles: stacked glosses, words, spaced glosses, rare characters."""
    assert strip_glosses_everywhere(text) == _strip_plainly(text)
    assert strip_glosses_by_rule(text) == _strip_plainly(text)


def test_every_compiled_gloss_is_one_the_rule_removes() -> None:
    """The fast path's whole table, pair by pair, against the rule."""
    checked = 0
    for spelling, chars in gloss.one_char_gloss_spellings().items():
        for char in _expand_class(chars):
            assert is_gloss_of(char, f"({spelling})"), (char, spelling)
            checked += 1
    assert checked > 40_000


def _expand_class(chars: str) -> Iterator[str]:
    for run in re.finditer(r"(.)-(.)|(.)", chars):
        low, high, single = run.groups()
        if single:
            yield single
        else:
            yield from map(chr, range(ord(low), ord(high) + 1))


def test_common_glosses_are_removed_by_the_compiled_regex_alone() -> None:
    text = GlossInjector(every=1)("黨群園地召開安全生產工作會議，會議強調要提高政治站位。" * 4)
    assert (
        gloss.one_char_gloss_regex().sub("", text)
        == strip_glosses(text)
        == "黨群園地召開安全生產工作會議，會議強調要提高政治站位。" * 4
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=2, max_size=6), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_the_order_texts_are_cleaned_in(
    batch: list[str], rng: random.Random
) -> None:
    in_order = {text: strip_glosses(text) for text in batch}
    shuffled = list(batch)
    rng.shuffle(shuffled)
    assert {text: strip_glosses(text) for text in shuffled} == in_order
    assert all(in_order[text] == _strip_plainly(text) or is_pinyin_discussion(text)
               for text in batch)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(texts)
def test_only_a_discussion_keeps_its_glosses(text: str) -> None:
    expected = text if is_pinyin_discussion(text) else strip_glosses_everywhere(text)
    assert strip_glosses(text) == expected


@settings(max_examples=300, deadline=None)
@given(texts)
def test_no_han_character_outside_parentheses_is_lost(text: str) -> None:
    outside = PAREN_GROUP.sub("", text)
    kept_outside = PAREN_GROUP.sub("", strip_glosses(text))
    assert re.findall(f"[{HAN}]", kept_outside) == re.findall(f"[{HAN}]", outside)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_only_pinyin_groups_are_removed(text: str) -> None:
    """The result is the text with some whole parenthesis groups taken out, none holding Han."""
    result = strip_glosses(text)
    for group in _removed_groups(text, result):
        assert not re.search(f"[{HAN}]", group), group


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="()（）"), max_size=60))
def test_text_without_parentheses_is_unchanged(text: str) -> None:
    assert strip_glosses(text) == text


def _removed_groups(original: str, result: str) -> list[str]:
    """The innermost groups of ``original`` missing from ``result``, each with the spaces before
    it; fails unless ``result`` is ``original`` with only such groups removed."""
    removed, position = [], 0
    for token in re.findall(r"[ \u3000]{0,2}[(（][^()（）]*[)）]|.", original, flags=re.S):
        if result.startswith(token, position):
            position += len(token)
        else:
            assert len(token) > 1, f"{token!r} lost from {original!r}"
            removed.append(token)
    assert position == len(result), f"{result!r} is not {original!r} with groups removed"
    return removed


legit_groups = st.sampled_from(
    [
        "(一)",
        "（二）",
        "(2023)",
        "(WHO)",
        "(市、區)",
        "(以下簡稱“集團”)",
        "(通訊員 夏丹)",
        "(同比增長8.3%)",
        "(a)",
        "(Hanyu Pinyin)",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(han, min_size=1, max_size=5), legit_groups), max_size=20))
def test_text_with_only_real_parentheses_is_unchanged(parts: list[str]) -> None:
    text = "".join(parts)
    assert strip_glosses(text) == text


# The readings of every character with several: the only ones a phrase dictionary could change.
_POLYPHONIC_READINGS = """
import json, sys
from pypinyin.pinyin_dict import pinyin_dict
from crawler.text.gloss import readings
chars = [chr(code) for code, spelled in pinyin_dict.items() if "," in spelled]
json.dump({char: sorted(readings(char)) for char in chars}, sys.stdout)
"""


def _polyphonic_readings(phrases_env: str) -> dict[str, list[str]]:
    env = {**os.environ, "PYPINYIN_NO_PHRASES": phrases_env}
    done = subprocess.run([sys.executable, "-c", _POLYPHONIC_READINGS], env=env,
                          capture_output=True, check=True)  # fmt: skip
    readings_by_char: dict[str, list[str]] = json.loads(done.stdout)
    return readings_by_char


def test_readings_do_not_depend_on_pypinyins_phrase_dictionary() -> None:
    # partyfield runs pypinyin without its phrase dictionary, to save 45 MB a process.
    with_phrases, without = _polyphonic_readings(""), _polyphonic_readings("1")
    assert len(with_phrases) > 8000
    assert with_phrases == without


def test_partyfield_does_not_load_the_phrase_dictionary() -> None:
    script = "import crawler.text, pypinyin.constants as c; print(len(c.PHRASES_DICT))"
    env = {k: v for k, v in os.environ.items() if k != "PYPINYIN_NO_PHRASES"}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "0", done.stderr


_CLEANED_WITHOUT_COMPILING = """
import json, sys
from crawler.text import strip_glosses
from crawler.text.gloss import one_char_gloss_regex, without_compiling
texts = json.loads(sys.argv[1])
with without_compiling():
    inside = [strip_glosses(text) for text in texts]
built_inside = one_char_gloss_regex.cache_info().currsize
outside = [strip_glosses(text) for text in texts]
json.dump([inside, built_inside, outside, one_char_gloss_regex.cache_info().currsize], sys.stdout)
"""


def test_without_compiling_cleans_alike_and_builds_nothing() -> None:
    # A fresh process: this one has built the compiled pass already.
    texts = [text for text, _cleaned in REMOVED] + KEPT
    injected = GlossInjector(every=2)("黨群園地召開安全生產工作會議，會議強調要提高政治站位。")
    texts.append(injected)
    done = subprocess.run([sys.executable, "-c", _CLEANED_WITHOUT_COMPILING, json.dumps(texts)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    inside, built_inside, outside, built_after = json.loads(done.stdout)
    assert built_inside == 0  # the rule alone cleaned them
    assert inside == outside == [strip_glosses(text) for text in texts]
    assert inside[-1] == "黨群園地召開安全生產工作會議，會議強調要提高政治站位。"
    assert built_after == 1  # outside the block, the first text with a gloss builds it
