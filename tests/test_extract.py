"""Extraction page fixtures: tests/pages/<layout>/<case>/ holds page.html (exact bytes),
case.json (url, http_charset) and expected.json (the Article, or for the other families every
field but body_html, which is checked for what it must not hold). One test per case and field,
so a failure names ``layout/case/field``."""

from __future__ import annotations

import dataclasses
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from crawler.errors import ExtractError
from crawler.extract import Yun300List, extract, file_article, selector_for
from crawler.items import Attachment, validate_article

PAGES = Path(__file__).parent / "pages"
LAYOUT_FOLDERS = ("yun300", "vsb", "trs", "hanweb", "generic")
CASES = sorted(
    f"{layout}/{p.name}"
    for layout in LAYOUT_FOLDERS
    for p in (PAGES / layout).iterdir()
    if p.is_dir()
)
# Every Article field extraction fills; ``capture`` is the crawl's (the record it was read from).
FIELDS = [
    f.name for f in dataclasses.fields(__import__("crawler.items").items.Article)
    if f.name != "capture"
]  # fmt: skip


@cache
def _load(case: str) -> tuple[dict[str, Any], dict[str, Any]]:
    folder = PAGES / case
    meta = json.loads((folder / "case.json").read_text("utf-8"))
    article = extract(
        meta["url"], (folder / "page.html").read_bytes(), http_charset=meta["http_charset"]
    )
    assert article is not None
    got = json.loads(json.dumps(dataclasses.asdict(article), ensure_ascii=False))
    return got, json.loads((folder / "expected.json").read_text("utf-8"))


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("case", CASES)
def test_page_field(case: str, field: str) -> None:
    got, expected = _load(case)
    if field not in expected:
        pytest.skip(f"{case} states no {field}")
    assert got[field] == expected[field]


@pytest.mark.parametrize("case", CASES)
def test_body_html_is_sanitised_and_shows_the_body(case: str) -> None:
    got, _expected = _load(case)
    html = got["body_html"]
    assert not re.search(r"<(script|style|rt|rp)\b|\son\w+=", html)
    shown = re.sub(r"<[^>]+>", "", html)
    first_line = got["body"].split("\n")[0]
    assert first_line[:12] in shown


def test_shared_sample_matches_the_spine_issue() -> None:
    got, _ = _load("yun300/sample")
    assert got["section"] == "黨群園地"
    assert got["title"] == (
        "尹弘主持召開全省安全生産緊急會議時強調 深刻汲取慘痛教訓 時刻繃緊安全之弦 "
        "以更大力度更實舉措抓好安全生産工作 葉建春作具體部署 唐一軍吳忠瓊出席"
    )
    assert got["category"] == "專題會議精神學習"
    assert (got["author"], got["source"], got["views"], got["summary"]) == (None,) * 4
    assert got["published_at"] == "2024-01-29T09:58:00+08:00"
    lines = got["body"].split("\n")
    assert len(lines) == 13
    assert lines[:4] == [
        "尹弘主持召開全省安全生産緊急會議時強調",
        "深刻汲取慘痛教訓 時刻繃緊安全之弦",
        "以更大力度更實舉措抓好安全生産工作",
        "葉建春作具體部署 唐一軍吳忠瓊出席",
    ]
    assert "縣(市、區)" in lines[-1] and "鄉(鎮、街道)" in lines[-1]
    for chrome in ("掃二維碼用手機看", "微信公衆号", "上一個:", "下一個:", "Copyright", "版權所有"):
        assert chrome not in got["body"] and chrome not in got["body_html"]
    assert "(ān)" not in got["body_html"] and "<script" not in got["body_html"]


def yun300_list(url: str, html: str | bytes) -> Yun300List:
    return Yun300List(url, selector_for(html))


def test_list_page_gives_links_paging_and_form() -> None:
    listing = yun300_list(
        "http://www.example-mining.cn/news/12/", (PAGES / "yun300-list.html").read_bytes()
    )
    assert listing.article_urls() == [
        f"http://www.example-mining.cn/news/{n}.html" for n in (2213, 2212, 2211)
    ]
    assert listing.page_count() == 3
    assert listing.list_endpoint() == "http://www.example-mining.cn/comp/portalResNews/list.do"
    assert listing.list_do_form(2) == {
        "compId": "portalResNews_list-16169974308791234",
        "cid": "12",
        "currentPage": "2",
        "pageSize": "3",
    }


def test_list_fragment_gives_links_and_count() -> None:
    fragment = yun300_list(
        "http://www.example-mining.cn/news/12/",
        (PAGES / "yun300-list-page2.fragment.html").read_bytes(),
    )
    assert [u.rsplit("/", 1)[1] for u in fragment.article_urls()] == [
        "2210.html",
        "2209.html",
        "2208.html",
    ]
    assert fragment.page_count() == 3


def test_page_count_falls_back_to_the_pager() -> None:
    html = (PAGES / "yun300-list.html").read_text("utf-8").replace("totalPage", "pagesInAll")
    assert yun300_list("http://x.cn/news/12/", html).page_count() == 3


def test_attachment_links_in_lists_are_not_articles() -> None:
    html = (
        (PAGES / "yun300-list.html")
        .read_text("utf-8")
        .replace("/news/2212.html", "/uploads/notice.pdf")
    )
    listing = yun300_list("http://x.cn/news/12/", html)
    assert "http://x.cn/uploads/notice.pdf" not in listing.article_urls()
    [entry] = listing.file_entries()
    assert (entry.url, entry.title, entry.date) == (
        "http://x.cn/uploads/notice.pdf",
        "學習貫徹黨的二十大精神專題培訓班開班",
        "2024-01-22",
    )
    article = file_article(entry, listing.section())
    assert (article.title, article.section, article.body) == (entry.title, "黨群園地", "")
    assert article.attachments == (Attachment(entry.url, entry.title),)
    validate_article(article)  # a file with a title is a valid article


def test_list_page_is_not_an_article() -> None:
    assert extract("http://x.cn/news/12/", (PAGES / "yun300-list.html").read_bytes()) is None


def test_yun300_page_without_body_is_an_extract_error() -> None:
    html = (PAGES / "yun300" / "sample" / "page.html").read_text("utf-8")
    broken = html.replace('data-ename="资讯详细描述"', "").replace("p_articles", "p_gone")
    with pytest.raises(ExtractError):
        extract("http://x.cn/news/1.html", broken)


def test_header_charset_wins_over_meta() -> None:
    html = (
        "<html><head><meta charset='utf-8'></head><body><div class='p_NewsDetail'><h1>黨建</h1>"
        "<div data-ename='资讯详细描述'><p>正文內容</p></div></div></body></html>"
    )
    article = extract("http://x.cn/news/1.html", html.encode("gbk"), http_charset="gbk")
    assert article is not None and article.title == "黨建" and article.body == "正文內容"


def test_generic_page_is_read() -> None:
    html = (
        "<html><head><title>通知-某市政府</title></head><body><h1>關於做(zuò)好安全工作的通知</h1>"
        "<div class='date'>2024-03-01</div><div id='zoom'>"
        + "<p>各單位要認真落實安全生產責任制。</p>" * 8
        + "<p><a href='/f/a.pdf'>附件</a></p></div></body></html>"
    )
    article = extract("http://gov.example.cn/a/1.html", html)
    assert article is not None
    assert article.title == "關於做好安全工作的通知"
    assert article.published_at == "2024-03-01"
    assert article.attachments[0].url == "http://gov.example.cn/f/a.pdf"


def test_page_without_article_is_none() -> None:
    assert extract("http://x.cn/", "<html><body><p>首頁</p></body></html>") is None


def test_javascript_challenge_is_a_fetch_failure_not_a_page() -> None:
    challenge = (
        "<html><head><script>document.cookie='__jsl_clearance=1600000000.1|0|abc';"
        "location.href=location.pathname+location.search</script></head><body></body></html>"
    )
    with pytest.raises(ExtractError) as raised:
        extract("http://www.example.gov.cn/art/2024/1/2/art_1_7.html", challenge)
    assert raised.value.stage == "fetch"
    assert "__jsl_clearance" in raised.value.reason
