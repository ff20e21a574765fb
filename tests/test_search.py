"""Searching the archive: both scripts, short queries, filters, output shapes, index upkeep,
and the sqlite-utils / Datasette paths the README promises."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler.store import Archive
from crawler.store.search import SearchFilters, search
from tests.conftest import ROOT, run_cli
from tests.test_store import make_article

ARTICLES = [  # (number, site, script, date, category, title, body)
    (1, "www.a-mining.cn", "t", "2024-01-29T09:58:00+08:00", "專題會議精神學習",
     "全省安全生產緊急會議召開", "會議強調，要時刻繃緊安全之弦，抓好安全生產工作。"),
    (2, "www.b-power.com.cn", "s", "2024-03-08", "党建动态",
     "公司召开安全生产专题会议", "会议传达学习了全省安全生产电视电话会议精神。"),
    (3, "www.a-mining.cn", "t", "2023-12-05", "紀檢監察",
     "紀委開展廉潔文化進班組活動", "活動營造崇廉拒腐的良好氛圍，黨員幹部深受教育。"),
    (4, "www.b-power.com.cn", "s", "2023-06-30", "党建动态",
     "庆祝建党102周年暨七一表彰大会", "大会表彰了先进基层党组织和优秀共产党员。"),
]  # fmt: skip


def build_archive(path: Path) -> Archive:
    archive = Archive.open(path)
    for number, site, _script, date, category, title, body in ARTICLES:
        archive.store_article(make_article(
            url=f"http://{site}/news/{number}.html", site=site, title=title, body=body,
            category=category, published_at=date, summary=None))  # fmt: skip
    return archive


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return build_archive(tmp_path / "archive" / "party.db")


def numbers(archive: Archive, query: str, **filters: object) -> list[int]:
    hits = search(archive.db, query, SearchFilters(**filters))  # type: ignore[arg-type]
    return [int(re.search(r"/(\d+)\.html", h.url).group(1)) for h in hits]  # type: ignore[union-attr]


@pytest.mark.parametrize("query", ["安全生產", "安全生产"])
def test_either_script_finds_both(archive: Archive, query: str) -> None:
    assert sorted(numbers(archive, query)) == [1, 2]


def test_results_show_the_original_script(archive: Archive) -> None:
    [hit] = search(archive.db, "崇廉拒腐")
    assert hit.title == "紀委開展廉潔文化進班組活動"
    assert "[崇廉拒腐]" in hit.snippet and "營造" in hit.snippet


def test_title_matches_rank_first(archive: Archive) -> None:
    assert numbers(archive, "安全生产")[0] in (1, 2)
    assert numbers(archive, "会议精神") == [2]


@pytest.mark.parametrize(("query", "expected"), [("黨", [3, 4]), ("党员", [3, 4]), ("廉", [3])])
def test_one_and_two_character_queries_fall_back_to_a_scan(
    archive: Archive, query: str, expected: list[int]
) -> None:
    assert numbers(archive, query) == expected  # newest first


def test_terms_must_all_match(archive: Archive) -> None:
    assert numbers(archive, "安全 專題") == [2]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"site": "www.a-mining.cn"}, [1]),
        ({"since": "2024-02-01"}, [2]),
        ({"until": "2024-01-29"}, [1]),
        ({"category": "黨建動態"}, [2]),
        ({"category": "专题会议精神学习"}, [1]),
        ({"limit": 1}, [1]),
    ],
)
def test_filters(archive: Archive, filters: dict[str, object], expected: list[int]) -> None:
    got = numbers(archive, "會議", **filters)
    assert got == expected if filters != {"limit": 1} else len(got) == 1


def test_index_follows_updates_and_deletions(archive: Archive) -> None:
    url = "http://www.a-mining.cn/news/1.html"
    archive.store_article(make_article(url=url, site="www.a-mining.cn", title="防汛工作部署會",
                                       body="全面落實防汛責任。"))  # fmt: skip
    assert numbers(archive, "安全生產") == [2]
    assert numbers(archive, "防汛責任") == [1]
    assert [r["url"] for r in archive.articles.search("防汛工作")] == [url]
    archive.delete_article(url)
    assert numbers(archive, "防汛責任") == []
    assert list(archive.articles.search("防汛工作")) == []
    assert archive.db.execute("select count(*) from search_text").fetchone() == (3,)


def test_search_command_json_and_csv(archive: Archive, tmp_path: Path) -> None:
    db = str(tmp_path / "archive" / "party.db")
    result = run_cli("search", "安全生产", "--db", db, "--json", cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert {h["url"].rsplit("/", 1)[1] for h in hits} == {"1.html", "2.html"}
    assert set(hits[0]) >= {"url", "title", "site", "published_at", "snippet"}
    csv_out = run_cli("search", "黨", "--db", db, "--csv", "--site", "www.b-power.com.cn",
                      cwd=tmp_path, timeout=60).stdout.splitlines()  # fmt: skip
    assert csv_out[0] == "url,title,site,published_at,category,snippet" and len(csv_out) == 2
    bad = run_cli("search", "x", "--db", db, "--since", "2024/01/01", cwd=tmp_path, timeout=60)
    assert bad.returncode == 2


def test_sqlite_utils_search_works_as_documented(archive: Archive, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "search", "archive/party.db", "articles", "安全生產",
         "-c", "url"], cwd=tmp_path, capture_output=True, text=True, check=True)  # fmt: skip
    assert [r["url"] for r in json.loads(result.stdout)] == ["http://www.a-mining.cn/news/1.html"]


def readme_recipes() -> list[str]:
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    return [line for block in blocks for line in block.splitlines()
            if line.startswith("sqlite-utils ")]  # fmt: skip


@pytest.mark.parametrize("recipe", readme_recipes())
def test_readme_recipes_run_as_written(archive: Archive, tmp_path: Path, recipe: str) -> None:
    archive.record_error(archive.start_run("crawl", []), "http://x.cn/9.html", "fetch", "HTTP 500")
    words = shlex.split(recipe)
    result = subprocess.run([sys.executable, "-m", "sqlite_utils", *words[1:]], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_datasette_finds_an_article(archive: Archive, tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    metadata = json.loads((ROOT / "archive" / "metadata.json").read_text("utf-8"))
    ds = datasette_app.Datasette([str(tmp_path / "archive" / "party.db")], metadata=metadata)

    async def fetch() -> dict[str, Any]:
        response = await ds.client.get("/party/articles.json?_search=安全生產&_shape=objects")
        assert response.status_code == 200
        data: dict[str, Any] = response.json()
        return data

    data = asyncio.run(fetch())
    assert [row["url"] for row in data["rows"]] == ["http://www.a-mining.cn/news/1.html"]
