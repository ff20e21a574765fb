"""The archive: upserts, versions, nothing lost, runs and errors, row round trips."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.items import Article, Attachment, content_hash_of
from crawler.store import Archive, RunCounts, article_to_row, row_to_article


def make_article(**changes: object) -> Article:
    base: dict[str, object] = dict(
        url="http://x.cn/news/1.html",
        site="x.cn",
        section="黨群園地",
        title="黨建工作會議",
        category="黨建動態",
        author=None,
        source="黨委",
        published_at="2024-01-29",
        views=12,
        summary=None,
        body="第一段\n第二段",
        body_html="<p>第一段</p><p>第二段</p>",
        images=("http://x.cn/a.jpg",),
        attachments=(Attachment("http://x.cn/a.pdf", "附件"),),
    )
    base.update(changes)
    base["content_hash"] = content_hash_of(str(base["title"]), str(base["body"]))
    return Article(**base)  # type: ignore[arg-type]


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "deep" / "party.db")


def test_same_article_twice_is_one_unchanged_row(archive: Archive) -> None:
    article = make_article()
    assert archive.store_article(article) == "new"
    assert archive.store_article(article) == "unchanged"
    assert archive.count_articles() == 1
    assert archive.get(article.url) == article
    assert archive.versions(article.url) == []


def test_edit_keeps_the_previous_version(archive: Archive) -> None:
    archive.store_article(make_article())
    first = archive.articles.get("http://x.cn/news/1.html")
    edited = make_article(body="第一段\n第二段（修訂）")
    assert archive.store_article(edited) == "updated"
    row = archive.articles.get(edited.url)
    assert row["body"] == edited.body
    assert row["first_seen_at"] == first["first_seen_at"]
    [version] = archive.versions(edited.url)
    assert version["body"] == "第一段\n第二段" and version["content_hash"] == first["content_hash"]


def test_missing_metadata_never_erases_what_was_archived(archive: Archive) -> None:
    archive.store_article(make_article())
    archive.store_article(make_article(views=None, category=None, published_at=None))
    stored = archive.get("http://x.cn/news/1.html")
    assert stored is not None
    assert (stored.views, stored.category, stored.published_at) == (12, "黨建動態", "2024-01-29")


def test_fts_finds_chinese_substrings_after_update_and_delete(archive: Archive) -> None:
    archive.store_article(make_article(body="全省安全生產緊急會議"))

    def hits(query: str) -> list[str]:
        return [r["url"] for r in archive.articles.search(query)]

    assert hits("安全生產") == ["http://x.cn/news/1.html"]
    archive.store_article(make_article(body="學習貫徹會議精神"))
    assert hits("安全生產") == [] and hits("貫徹會議") == ["http://x.cn/news/1.html"]
    archive.delete_article("http://x.cn/news/1.html")
    assert hits("貫徹會議") == []


def test_runs_and_errors(archive: Archive) -> None:
    run = archive.start_run("crawl", ["http://x.cn/news/12/"])
    archive.record_error(run, "http://x.cn/news/9.html", "fetch", "HTTP 500")
    archive.finish_run(
        run, status="ok", counts=RunCounts(new=3, errors=1), requests=5, stats={"k": 1}
    )
    row = archive.run(run)
    assert (row["status"], row["new"], row["errors"], row["requests"]) == ("ok", 3, 1, 5)
    assert archive.errors_of_run(run)[0]["reason"] == "HTTP 500"
    with pytest.raises(ValueError):
        archive.record_error(run, "u", "parse", "no such stage")  # type: ignore[arg-type]


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    Archive.open(tmp_path / "a.db").store_article(make_article())
    assert Archive.open(tmp_path / "a.db").count_articles() == 1


optional_text = st.one_of(st.none(), st.text(min_size=1, max_size=20))


@settings(max_examples=100, deadline=None)
@given(
    title=st.text(min_size=1, max_size=30),
    body=st.text(max_size=200),
    summary=optional_text,
    views=st.one_of(st.none(), st.integers(0, 10**9)),
    images=st.lists(st.text(min_size=1, max_size=30), max_size=3).map(tuple),
    names=st.lists(st.text(max_size=10), max_size=3),
)
def test_article_row_round_trip(
    title: str,
    body: str,
    summary: str | None,
    views: int | None,
    images: tuple[str, ...],
    names: list[str],
) -> None:
    attachments = tuple(Attachment(f"http://x.cn/{i}.pdf", n) for i, n in enumerate(names))
    article = dataclasses.replace(
        make_article(),
        title=title,
        body=body,
        summary=summary,
        views=views,
        images=images,
        attachments=attachments,
    )
    assert row_to_article(article_to_row(article)) == article


def _gone(archive: Archive) -> dict[str, str]:
    rows = archive.db.execute("select url, gone_reason from articles where gone_at is not null")
    return dict(rows.fetchall())


def test_off_the_list_is_gone_until_listed_again_and_a_404_until_it_answers(
    archive: Archive,
) -> None:
    section = "http://x.cn/news/12/"
    one, two = "http://x.cn/news/1.html", "http://x.cn/news/2.html"
    archive.store_article(make_article(url=one))
    archive.store_article(make_article(url=two))
    assert archive.apply_listing(section, {one, two}) == []  # both listed: now listed_in it
    assert archive.apply_listing(section, {one}) == [two]
    assert _gone(archive) == {two: f"not listed in {section}"}
    assert archive.apply_listing(section, {one}) == []  # gone once, not again
    assert archive.count_articles() == 2  # the row stays

    assert archive.mark_gone(one, 404) is True and archive.mark_gone(one, 404) is False
    assert archive.mark_gone("http://x.cn/never.html", 404) is None
    archive.apply_listing(section, {one, two})  # listed again: back; a 404 is not undone so
    assert _gone(archive) == {one: "HTTP 404"}
    assert archive.mark_unchanged(one)  # the page answers again (a 304)
    assert _gone(archive) == {}


def test_a_stored_article_is_no_longer_gone(archive: Archive) -> None:
    archive.store_article(make_article())
    archive.mark_gone(make_article().url, 410)
    archive.store_article(make_article(body="改過的正文"))
    assert _gone(archive) == {}
