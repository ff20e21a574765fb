"""Flattened text dumps and ``partyfield import``: the seed imports to the sample's record."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from crawler.extract import extract
from crawler.extract.textdump import is_text_dump, parse_text_dump
from tests.conftest import run_cli

PAGES = Path(__file__).parent / "pages"
SEED = PAGES / "party-field-article.txt"
SAMPLE = PAGES / "yun300" / "sample" / "page.html"


def test_seed_dump_gives_the_sample_page_record() -> None:
    dumped = parse_text_dump("file:///seed.txt", SEED.read_text("utf-8"))
    page = extract("http://www.example-mining.cn/news/2213.html", SAMPLE.read_bytes())
    assert dumped is not None and page is not None
    same = ("section", "title", "category", "author", "source", "published_at", "views",
            "summary", "body", "content_hash")  # fmt: skip
    for name in same:
        assert getattr(dumped, name) == getattr(page, name), name
    assert len(dumped.body_lines) == 13


def test_dump_with_a_real_summary_and_gbk_bytes(tmp_path: Path) -> None:
    text = (
        "党群园地\nParty field\n公司召开(kāi)党建工作会议\n- 分类:党建动态\n- 作者:办公室\n- 来源:\n"
        "- 发布时间:2024年3月1日\n- 访问量:56\n【概要描述】\n会议部署了2024年重点工作。\n【概要描述】\n"
        "- 分类:党建动态\n- 作者:办公室\n- 来源:\n- 发布时间:2024年3月1日\n- 访问量:56\n"
        "3月1日，公司召开党建工作会议。\n会议部署了(一)理论学习；(二)基层建设。\n扫二维码用手机看\n"
        "上一篇：无\n"
    )
    article = parse_text_dump("file:///a.txt", text)
    assert article is not None
    assert (article.title, article.category, article.author, article.source) == (
        "公司召开党建工作会议",
        "党建动态",
        "办公室",
        None,
    )
    assert (article.published_at, article.views) == ("2024-03-01", 56)
    assert article.summary == "会议部署了2024年重点工作。"
    assert article.body_lines == [
        "3月1日，公司召开党建工作会议。",
        "会议部署了(一)理论学习；(二)基层建设。",
    ]


def test_plain_prose_is_not_a_dump() -> None:
    assert not is_text_dump("今天天氣很好。\n我們去公園散步。")


def test_import_reports_each_file_and_never_aborts(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    (folder / "seed-gbk.txt").write_bytes(SEED.read_text("utf-8").encode("gb18030"))
    shutil.copy(SAMPLE, folder / "page.html")
    (folder / "notes.txt").write_text("購物清單：蘋果、香蕉", "utf-8")
    (folder / "broken.html").write_text(
        "<div class='p_NewsDetail'><div data-ename='资讯详细描述'><p>正文</p></div></div>", "utf-8"
    )
    db = tmp_path / "a.db"

    result = run_cli("import", str(folder), "--db", str(db), cwd=tmp_path, timeout=60)
    assert result.returncode == 1  # one file failed, after all were tried
    lines = {
        line.split()[1].rsplit("/", 1)[1]: line.split()[0]
        for line in result.stdout.splitlines()[:-1]
    }
    assert lines == {
        "broken.html": "failed",
        "notes.txt": "skipped",
        "page.html": "imported",
        "seed-gbk.txt": "imported",
        "seed.txt": "imported",
    }
    assert "3 imported, 1 skipped, 1 failed" in result.stdout
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("select * from articles order by url")]
        errors = [dict(r) for r in conn.execute("select stage, reason from errors")]
        run = dict(conn.execute("select * from runs").fetchone())
    assert {r["body"] for r in rows} == {rows[0]["body"]}  # the three copies read alike
    assert errors == [{"stage": "extract", "reason": "yun300 page without a title"}]
    assert (run["kind"], run["new"], run["errors"]) == ("import", 3, 1)
    again = run_cli("import", str(folder / "seed.txt"), "--db", str(db), cwd=tmp_path, timeout=60)
    assert again.returncode == 0 and "(unchanged)" in again.stdout
    shown = run_cli("runs", "--show", "2", "--db", str(db), cwd=tmp_path, timeout=60)
    assert shown.stdout.startswith(
        "run 2 ok: 0 new, 0 updated, 1 unchanged, 0 not refetched (1 archived)"
    )


def test_saved_page_with_canonical_link_is_archived_under_it(tmp_path: Path) -> None:
    html = SAMPLE.read_text("utf-8").replace(
        "<head>", '<head><link rel="canonical" href="https://www.example-mining.cn/news/2213.html">'
    )
    (tmp_path / "saved.html").write_text(html, "utf-8")
    db = tmp_path / "a.db"
    result = run_cli(
        "import", str(tmp_path / "saved.html"), "--db", str(db), cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select url from articles").fetchall() == [
            ("https://www.example-mining.cn/news/2213.html",)
        ]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(
        "import",
        str(tmp_path / "nope.txt"),
        "--db",
        str(tmp_path / "a.db"),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2 and "no such file" in result.stderr


def test_dataclass_fields_are_what_the_dump_fills() -> None:
    article = parse_text_dump("file:///seed.txt", SEED.read_text("utf-8"))
    assert article is not None
    assert json.loads(json.dumps(dataclasses.asdict(article)))["images"] == []


def test_imported_files_are_resource_captures_that_reparse_reads(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    shutil.copy(SAMPLE, folder / "page.html")
    db = tmp_path / "a.db"
    assert run_cli("import", str(folder), "--db", str(db), cwd=tmp_path, timeout=60).returncode == 0
    with sqlite3.connect(db) as conn:
        kinds = conn.execute(
            "select c.record_type, c.status, a.parser_version is not null from articles a "
            "join captures c on c.id = a.capture_id"
        ).fetchall()
        conn.execute("update articles set body = 'lost'")
    assert kinds == [("resource", None, 1)] * 2
    [warc] = (tmp_path / "warc").glob("*.warc.gz")
    check = subprocess.run([Path(sys.executable).parent / "warcio", "check", str(warc)],
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert check.returncode == 0, check.stdout

    reparsed = run_cli("reparse", "--db", str(db), cwd=tmp_path, timeout=60)
    assert "2 changed, 0 unchanged, 0 failed" in reparsed.stdout, reparsed.stderr
    with sqlite3.connect(db) as conn:
        bodies = {body for (body,) in conn.execute("select body from articles")}
    assert "lost" not in bodies and len(bodies) == 1  # the dump and the page read alike
