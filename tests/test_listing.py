"""List layouts: each family's first page names the section's other pages (or its next one),
its entries and its column; the generic reader finds the main list, not the sidebar."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.demo.families import FamilySpec, build_family_site
from crawler.demo.markup.plain import COMMENTED_OUT
from crawler.extract import ListPage, PageRef, parse_list

HOST = "http://www.example.edu.cn"


def first_page(tmp_path: Path, family: str, **options: object) -> tuple[ListPage, list[str]]:
    site = build_family_site(tmp_path, FamilySpec(family=family, **options))  # type: ignore[arg-type]
    body = (tmp_path / site.start_path.lstrip("/")).read_bytes()
    listing = parse_list(HOST + site.start_path, body)
    assert listing is not None
    return listing, site.linked_paths


@pytest.mark.parametrize("family", ["vsb", "trs", "hanweb", "generic"])
def test_first_page_layout_entries_and_column(family: str, tmp_path: Path) -> None:
    listing, linked = first_page(tmp_path, family)
    assert listing.layout == family
    entries = listing.article_entries()
    expected = 15 if family == "hanweb" else 5  # Hanweb embeds three pages of records
    assert [e.url for e in entries] == [HOST + p for p in linked[:expected]]
    assert all(e.date and e.title and not e.title.endswith("...") for e in entries)
    assert listing.section() == "党建工作"


def test_vsb_pages_count_down(tmp_path: Path) -> None:
    listing, _ = first_page(tmp_path, "vsb")
    assert listing.page_urls() == [PageRef(f"{HOST}/dwgz/djgz/{n}.htm") for n in (4, 3, 2, 1)]


def test_trs_pages_from_create_page_html(tmp_path: Path) -> None:
    listing, _ = first_page(tmp_path, "trs")
    assert listing.page_urls() == [PageRef(f"{HOST}/dj/djgz/index_{n}.html") for n in (1, 2, 3, 4)]


def test_hanweb_groups_are_dataproxy_posts(tmp_path: Path) -> None:
    listing, _ = first_page(tmp_path, "hanweb", page_size=3)
    proxy = f"{HOST}/module/web/jpage/dataproxy.jsp"
    refs = listing.page_urls()
    assert [r.url for r in refs] == [
        f"{proxy}?startrecord=10&endrecord=18&perpage=3",
        f"{proxy}?startrecord=19&endrecord=24&perpage=3",
    ]
    form = refs[0].form_dict() or {}
    assert (form["columnid"], form["unitid"], form["permissiontype"]) == ("4567", "8901", "0")


def test_hanweb_dataproxy_answer_is_read_by_the_layout() -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>2</totalrecord><recordset>'
        '<record><![CDATA[<li><a href="/art/2024/1/2/art_1_7.html">党课</a><span>2024-01-02</span>'
        "</li>]]></record></recordset></datastore>"
    )
    listing = parse_list(f"{HOST}/module/web/jpage/dataproxy.jsp", xml, layout="hanweb")
    assert listing is not None
    [entry] = listing.article_entries()
    assert (entry.url, entry.title, entry.date) == (
        f"{HOST}/art/2024/1/2/art_1_7.html",
        "党课",
        "2024-01-02",
    )


def test_generic_follows_next_and_skips_comments_and_sidebar(tmp_path: Path) -> None:
    listing, _ = first_page(tmp_path, "generic")
    assert listing.page_urls() == []
    assert listing.next_page() == PageRef(f"{HOST}/dangjian/list_2.html")
    urls = [e.url for e in listing.article_entries()]
    assert HOST + COMMENTED_OUT not in urls
    assert not any("/zt/" in url for url in urls)


@pytest.mark.parametrize(
    ("pager", "expected"),
    [
        ('共3页 <a href="?page=2">2</a> <a href="?page=3">3</a>', ["index.html?page=2", "index.html?page=3"]),
        ('<a href="index_2.html">2</a> 1/3页', ["index_2.html", "index_3.html"]),
        ('<a href="list.php?pageNum=2&amp;cat=5">2</a><script>var totalPage = 3;</script>',
         ["list.php?pageNum=2&cat=5", "list.php?pageNum=3&cat=5"]),
    ],
)  # fmt: skip
def test_generic_pages_from_a_total_and_a_numbered_link(pager: str, expected: list[str]) -> None:
    rows = "".join(
        f'<li><a href="/a/{n}.html">党建新闻第{n}篇</a><span>2024-01-0{n}</span></li>'
        for n in range(1, 6)
    )
    html = f"<html><body><ul>{rows}</ul><div class='pages'>{pager}</div></body></html>"
    listing = parse_list(f"{HOST}/dj/index.html", html)
    assert listing is not None and listing.layout == "generic"
    assert [r.url for r in listing.page_urls()] == [f"{HOST}/dj/{e}" for e in expected]


def test_a_page_of_few_links_is_no_list() -> None:
    html = "<html><body><p><a href='/a.html'>一篇</a> 2024-01-01</p><p>正文……</p></body></html>"
    assert parse_list(f"{HOST}/a/1.html", html) is None
