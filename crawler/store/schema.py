"""The SQLite schema of the archive: tables as named migrations, and the row mapping.

The one place that knows table and column names (``crawler.store.search`` reads the search
tables it defines). A migration, once released, is never edited: changes come as new ones.

Tables:
- ``articles``: one row per article URL, Article fields plus first/last seen and last changed;
  ``articles_fts`` indexes title, summary and body with the trigram tokenizer (Chinese has no
  spaces, so the default tokenizer would index whole sentences as single tokens).
- ``article_versions``: the previous text of an article each time its content changed.
- ``runs``: one row per crawl or import run. ``errors``: one row per page that failed.
- ``sections``: sections a run walked to the last list page.
- ``search_text`` (+ ``search_text_fts``): Simplified copies for script-blind search.
- ``run_articles``: which articles each run added or changed (``runs --show``).
- ``captures``: one row per response, revisit or resource record in the WARC files (``warc/``
  beside the database): where its bytes are. ``articles.capture_id`` names the capture the
  current text was read from, ``articles.parser_version`` the code that read it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from crawler.items import Article, Attachment
from crawler.text.script import to_simplified

# Metadata a later fetch may lack (script-filled counters, a flaky box); an old value is kept
# rather than replaced by nothing.
KEEP_OLD_WHEN_MISSING = (
    "section",
    "category",
    "author",
    "source",
    "published_at",
    "views",
    "summary",
)
ARTICLE_COLUMNS = {
    "url": str,
    "site": str,
    "section": str,
    "title": str,
    "category": str,
    "author": str,
    "source": str,
    "published_at": str,
    "views": int,
    "summary": str,
    "body": str,
    "body_html": str,
    "images": str,
    "attachments": str,
    "content_hash": str,
    "first_seen_at": str,
    "last_seen_at": str,
    "last_changed_at": str,
}
CAPTURE_COLUMNS = {
    "id": int,
    "url": str,
    "run_id": int,
    "fetched_at": str,  # UTC, ISO 8601
    "status": int,  # HTTP status; null for a resource record (an imported file)
    "record_type": str,  # response, revisit or resource
    "warc_file": str,  # relative to the archive database's folder
    "warc_offset": int,
    "warc_length": int,
    "record_id": str,  # WARC-Record-ID
    "payload_digest": str,  # WARC-Payload-Digest
}
NEW_ARTICLE_COLUMNS = {
    "capture_id": int,  # captures.id the current text was extracted from
    "parser_version": str,  # crawler.extract.PARSER_VERSION that extracted it
    "gone_at": str,  # UTC: the site stopped showing the article (404/410, or off its list)
    "gone_reason": str,  # "HTTP 404", "HTTP 410" or "not listed in <section URL>"
    "listed_in": str,  # the section (start URL) whose complete walk last listed it
}
NEW_VERSION_COLUMNS = {
    "capture_id": int,  # the capture the kept text had been read from
    "parser_version": str,
    "reason": str,  # why it was replaced: "edited on site" or "reparse"
    "replaced_at": str,  # UTC
    "metadata": str,  # JSON of the other fields the text had (author, date, …)
}
EDITED_ON_SITE = "edited on site"
REPARSE = "reparse"
VERSION_METADATA = ("section", "category", "author", "source", "published_at", "views",
                    "summary", "images", "attachments")  # fmt: skip
migrations = sqlite_utils.Migrations("partyfield")


@migrations(name="0001_articles_runs_errors")
def _create_tables(db: sqlite_utils.Database) -> None:
    articles = db.table("articles")
    articles.create(ARTICLE_COLUMNS, pk="url", not_null={"site", "title", "body", "content_hash"})
    articles.create_index(["site", "published_at"])
    articles.create_index(["published_at"])
    articles.enable_fts(["title", "summary", "body"], tokenize="trigram", create_triggers=True)
    db.table("article_versions").create(
        {"id": int, "url": str, "content_hash": str, "title": str, "body": str, "seen_at": str},
        pk="id",
    )
    db.table("article_versions").create_index(["url"])
    db.table("runs").create(
        {
            "id": int,
            "kind": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "start_urls": str,
            "requests": int,
            "new": int,
            "updated": int,
            "unchanged": int,
            "errors": int,
            "stats": str,
        },
        pk="id",
    )
    db.table("errors").create(
        {"id": int, "run_id": int, "url": str, "stage": str, "reason": str, "at": str}, pk="id"
    )
    db.table("errors").create_index(["run_id"])
    db.table("errors").create_index(["url"])


@migrations(name="0002_sections")
def _create_sections(db: sqlite_utils.Database) -> None:
    # A section is "paged" once a run has walked its list to the last page: only then may a
    # later run stop at the first page that holds nothing new.
    db.table("sections").create(
        {"url": str, "site": str, "pages": int, "last_paged_at": str, "run_id": int}, pk="url"
    )


@migrations(name="0003_script_blind_search")
def _create_search_text(db: sqlite_utils.Database) -> None:
    # Simplified-script copies of the searchable text, with their own trigram index, so that a
    # query in either script finds both. The id is an explicit INTEGER PRIMARY KEY: VACUUM
    # never renumbers it, so the index stays aligned with its rows.
    search = db.table("search_text")
    search.create(
        {"id": int, "url": str, "site": str, "published_at": str, "category": str,
         "title": str, "summary": str, "body": str},
        pk="id",
    )  # fmt: skip
    search.create_index(["url"], unique=True)
    search.create_index(["published_at"])
    search.enable_fts(["title", "summary", "body"], tokenize="trigram", create_triggers=True)
    # Deleting an article by any means (sqlite-utils, Datasette) drops its search copy too.
    db.execute(
        "CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN "
        "DELETE FROM search_text WHERE url = old.url; END"
    )
    for row in db.table("articles").rows:
        write_search_text(db, row)


@migrations(name="0004_run_articles")
def _create_run_articles(db: sqlite_utils.Database) -> None:
    # Which articles a run archived new or changed: what `partyfield runs --show N` lists.
    # Unchanged refetches are not kept (they would be a row per article per run).
    db.table("run_articles").create(
        {"run_id": int, "url": str, "outcome": str}, pk=("run_id", "url")
    )


@migrations(name="0005_page_validators")
def _create_page_validators(db: sqlite_utils.Database) -> None:
    # ETag / Last-Modified of archived pages: a refetch asks "changed since?" with them. They
    # replace Scrapy's filesystem HTTP cache (an old archive's httpcache/ folder is unused).
    db.table("page_validators").create(
        {"url": str, "etag": str, "last_modified": str, "seen_at": str}, pk="url"
    )


@migrations(name="0006_captures_and_provenance")
def _create_captures(db: sqlite_utils.Database) -> None:
    # The raw pages live in WARC files; a row says where one record is, so that the bytes
    # [warc_offset, warc_offset + warc_length) of warc_file alone are a readable gzip member.
    captures = db.table("captures")
    captures.create(CAPTURE_COLUMNS, pk="id")
    captures.create_index(["record_id"], unique=True)
    captures.create_index(["url"])
    articles = db.table("articles")
    for column, kind in NEW_ARTICLE_COLUMNS.items():
        articles.add_column(column, kind)
    articles.create_index(["listed_in"])
    versions = db.table("article_versions")
    for column, kind in NEW_VERSION_COLUMNS.items():
        versions.add_column(column, kind)
    # Every version kept before this migration was kept because the site's page changed.
    db.execute("UPDATE article_versions SET reason = ? WHERE reason IS NULL", [EDITED_ON_SITE])
    db.table("runs").add_column("gone", int, not_null_default=0)


def row_dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """A query's rows as column → value dicts."""
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_article_row(db: sqlite_utils.Database, url: str) -> dict[str, Any] | None:
    found = row_dicts(db.execute("SELECT * FROM articles WHERE url = ?", [url]))
    return found[0] if found else None


def insert_article_row(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Plain SQL: sqlite-utils' insert() re-reads the table's schema on every call."""
    columns = ", ".join(row)
    db.execute(f"INSERT INTO articles ({columns}) VALUES ({', '.join('?' * len(row))})",
               list(row.values()))  # fmt: skip


def update_article_row(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in row if column != "url")
    values = [value for column, value in row.items() if column != "url"]
    db.execute(f"UPDATE articles SET {assignments} WHERE url = ?", [*values, row["url"]])


def note_run_article(db: sqlite_utils.Database, run_id: int, url: str, outcome: str) -> None:
    db.execute("INSERT OR REPLACE INTO run_articles (run_id, url, outcome) VALUES (?, ?, ?)",
               [run_id, url, outcome])  # fmt: skip


def write_search_text(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO search_text (url, site, published_at, category, title, summary, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET site = excluded.site, "
        "published_at = excluded.published_at, category = excluded.category, "
        "title = excluded.title, summary = excluded.summary, body = excluded.body",
        [row["url"], row["site"], row["published_at"], to_simplified(row["category"] or ""),
         to_simplified(row["title"]), to_simplified(row["summary"] or ""),
         to_simplified(row["body"])],
    )  # fmt: skip


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def article_to_row(article: Article) -> dict[str, Any]:
    """The ``articles`` columns an Article fills (the store adds the *_seen/_changed times)."""
    return {
        "url": article.url,
        "site": article.site,
        "section": article.section,
        "title": article.title,
        "category": article.category,
        "author": article.author,
        "source": article.source,
        "published_at": article.published_at,
        "views": article.views,
        "summary": article.summary,
        "body": article.body,
        "body_html": article.body_html,
        "images": json.dumps(list(article.images), ensure_ascii=False),
        "attachments": json.dumps(
            [{"url": a.url, "name": a.name} for a in article.attachments], ensure_ascii=False
        ),
        "content_hash": article.content_hash,
    }


def row_to_article(row: dict[str, Any]) -> Article:
    return Article(
        url=row["url"],
        site=row["site"],
        section=row["section"],
        title=row["title"],
        category=row["category"],
        author=row["author"],
        source=row["source"],
        published_at=row["published_at"],
        views=row["views"],
        summary=row["summary"],
        body=row["body"],
        body_html=row["body_html"] or "",
        images=tuple(json.loads(row["images"] or "[]")),
        attachments=tuple(Attachment(**a) for a in json.loads(row["attachments"] or "[]")),
        content_hash=row["content_hash"],
    )


def searchable(row: dict[str, Any]) -> tuple[Any, ...]:
    """The columns ``search_text`` copies: when none changed, the copy needs no rewrite."""
    return (row["title"], row["summary"], row["body"], row["category"], row["site"],
            row["published_at"])  # fmt: skip
