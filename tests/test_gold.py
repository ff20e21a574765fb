"""Gold segments: per page, strings the archive must keep (real parentheses, attachment names,
article text) and strings it must not (glosses, chrome, the template's second copy, scripts).
Scores are checked against floors in tests/gold/floors.json, which only ever go up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract import extract
from crawler.extract.textdump import parse_text_dump
from crawler.items import Article

HERE = Path(__file__).parent
SEGMENTS = json.loads((HERE / "gold" / "segments.json").read_text("utf-8"))
FLOORS = json.loads((HERE / "gold" / "floors.json").read_text("utf-8"))


def archived_text(page: str) -> str:
    """Every text the archive keeps for the page: title, metadata, summary, body, body HTML."""
    article = _article(page)
    fields = [article.title, article.category, article.author, article.source, article.summary,
              article.body, article.body_html, *(a.name for a in article.attachments)]  # fmt: skip
    return "\n".join(field for field in fields if field)


def _article(page: str) -> Article:
    if page == "seed":
        text = (HERE / "pages" / "party-field-article.txt").read_text("utf-8")
        found = parse_text_dump("file:///seed.txt", text)
    else:
        folder = HERE / "pages" / page
        case = json.loads((folder / "case.json").read_text("utf-8"))
        found = extract(case["url"], (folder / "page.html").read_bytes(),
                        http_charset=case["http_charset"])  # fmt: skip
    assert found is not None
    return found


def scores() -> dict[str, float]:
    kept = dropped = keep_total = drop_total = 0
    for page, gold in SEGMENTS.items():
        text = archived_text(page)
        kept += sum(segment in text for segment in gold["keep"])
        dropped += sum(segment not in text for segment in gold["drop"])
        keep_total += len(gold["keep"])
        drop_total += len(gold["drop"])
    return {"keep": kept / keep_total, "drop": dropped / drop_total}


def test_gold_scores_meet_their_floors() -> None:
    got = scores()
    for name, floor in FLOORS.items():
        assert got[name] >= floor, f"{name} score {got[name]:.3f} fell below its floor {floor}"


@pytest.mark.parametrize("page", sorted(SEGMENTS))
def test_gold_segments_per_page(page: str) -> None:
    text = archived_text(page)
    assert [s for s in SEGMENTS[page]["keep"] if s not in text] == []
    assert [s for s in SEGMENTS[page]["drop"] if s in text] == []
