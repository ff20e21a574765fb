"""``partyfield discover``: from a front page served over real HTTP, the party columns and
nothing else, as lines or as a sites file that ``crawl --sites`` reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.demo.families import FamilySpec
from crawler.extract import selector_for
from crawler.extract.columns import is_party_column, party_columns
from crawler.sites import load_sites
from tests.conftest import ServedSite, run_cli

SiteFactory = Callable[..., ServedSite]
PARTY = {"党建工作", "工会工作", "团委", "纪检监察"}


@pytest.mark.parametrize("family", ["vsb", "trs", "hanweb", "generic"])
def test_front_page_names_the_party_columns_and_nothing_else(
    family: str, served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family=family, article_count=6))
    result = run_cli("discover", served.url("/index.html"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert {name for _url, name, _layout in rows} == PARTY
    assert {layout for _u, _n, layout in rows} == {family}
    assert [url for url, name, _l in rows if name == "党建工作"] == [served.start_url]
    assert len(result.stderr.splitlines()) == 1  # one line of messages, on stderr


def test_toml_is_a_sites_file_crawl_accepts(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(FamilySpec(family="vsb", article_count=6))
    result = run_cli("discover", "--toml", served.url("/index.html"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text(result.stdout, encoding="utf-8")
    [site] = load_sites(sites_file)
    assert served.start_url in site.sections and len(site.sections) == 4
    crawl = run_cli("crawl", "--sites", str(sites_file), "--db", str(tmp_path / "p.db"),
                    cwd=tmp_path)  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr
    assert "6 new" in crawl.stdout


def test_unreachable_front_page_and_one_without_party_columns_fail_in_one_line(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family="trs", article_count=3))
    missing = run_cli("discover", served.url("/no-such-page.html"), cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stdout == ""
    assert missing.stderr.strip().endswith("front page not read: HTTP 404")
    assert len(missing.stderr.splitlines()) == 1
    ordinary = run_cli("discover", served.url("/xwzx/index.html"), cwd=tmp_path)
    assert ordinary.returncode == 1
    assert "no party column found" in ordinary.stderr


@pytest.mark.parametrize(
    ("name", "menus", "party"),
    [
        ("黨群園地", [], True),
        ("党风廉政建设", [], True),
        ("纪检监察", [], True),
        ("基层党建", [], True),
        ("工会工作", ["党群工作"], True),
        ("共青团", ["黨群工作"], True),
        ("工会工作", ["关于我们"], False),
        ("新闻中心", [], False),
        ("通知公告", [], False),
        ("产品中心", [], False),
        ("集团党委召开2024年度党建工作会议暨全面从严治党工作会议", [], False),  # a headline
    ],
)
def test_party_column_names(name: str, menus: list[str], party: bool) -> None:
    assert is_party_column(name, menus) is party


def test_drop_down_entries_are_found_under_their_menu() -> None:
    html = (
        "<html><body><ul class='nav'><li><a href='/'>首页</a></li>"
        "<li><a href='javascript:;'>党群工作</a><ul><li><a href='/dj/'>党建动态</a></li>"
        "<li><a href='/gh/'>工会之家</a></li></ul></li>"
        "<li><a href='/cp/'>产品中心</a><ul><li><a href='/cp/gh/'>工会产品</a></li></ul></li>"
        "<li><a href='http://other.example.cn/dj/'>党建</a></li></ul></body></html>"
    )
    found = party_columns("http://www.example.cn/", selector_for(html))
    assert [(c.url, c.name) for c in found] == [
        ("http://www.example.cn/dj/", "党建动态"),
        ("http://www.example.cn/gh/", "工会之家"),
    ]


def test_columns_listed_only_on_the_sitemap_are_found(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(FamilySpec(family="hanweb", article_count=6))
    root = served.site.root
    (root / "index.html").write_text(
        "<html><body><div class='nav'><a href='/col/col1001/index.html'>新闻中心</a></div>"
        "<div class='footer'><a href='/sitemap.html'>网站地图</a></div></body></html>",
        encoding="utf-8",
    )
    (root / "sitemap.html").write_text(
        "<html><body><dl><dt>党群工作</dt><dd><a href='/col/col4567/index.html'>党建工作</a></dd>"
        "<dd><a href='/col/col4568/index.html'>工会工作</a></dd></dl>"
        "<dl><dt>新闻中心</dt><dd><a href='/col/col1002/index.html'>通知公告</a></dd></dl>"
        "</body></html>",
        encoding="utf-8",
    )
    result = run_cli("discover", served.url("/index.html"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(name, layout) for _url, name, layout in rows] == [
        ("党建工作", "hanweb"), ("工会工作", "hanweb"),
    ]  # fmt: skip
