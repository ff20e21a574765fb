"""The archive: the one module that knows the SQLite schema.

Tables (created by the named migrations below, never edited once released):
- ``articles``: one row per article URL, Article fields plus first/last seen and last changed;
  ``articles_fts`` indexes title, summary and body with the trigram tokenizer (Chinese has no
  spaces, so the default tokenizer would index whole sentences as single tokens).
- ``article_versions``: the previous text of an article each time its content changed.
- ``runs``: one row per crawl or import run. ``errors``: one row per page that failed.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils
from sqlite_utils.db import NotFoundError, Table

from crawler.errors import STAGES, ArchiveLocked, Stage, StoreError
from crawler.items import Article, Attachment

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged"]
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


@dataclass(frozen=True)
class RunCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0


class Archive:
    """An opened archive database. Every write is atomic; every article write an upsert."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        """Open (creating folders and tables as needed) the archive at ``path``."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(path)
            db.execute("PRAGMA busy_timeout = 10000")
            db.enable_wal()
            migrations.apply(db)
        except Exception as exc:  # sqlite3/OS errors of many kinds: one clear message
            raise StoreError(str(path), f"cannot open archive: {exc}") from exc
        return cls(db)

    def close(self) -> None:
        self.db.close()

    @property
    def articles(self) -> Table:
        return self.db.table("articles")

    def get(self, url: str) -> Article | None:
        row = self._row(url)
        return row_to_article(row) if row else None

    def _row(self, url: str) -> dict[str, Any] | None:
        try:
            return self.articles.get(url)
        except NotFoundError:
            return None

    def has_article(self, url: str) -> bool:
        return self._row(url) is not None

    def known_urls(self, urls: list[str]) -> set[str]:
        """The subset of ``urls`` already archived."""
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"select url from articles where url in ({marks})"
            found.update(row[0] for row in self.db.execute(sql, chunk).fetchall())
        return found

    def store_article(self, article: Article) -> Outcome:
        """Insert or update one article; an earlier text goes to ``article_versions``."""
        now = utc_now()
        row = article_to_row(article)
        with self.db.atomic():
            old = self._row(article.url)
            if old is None:
                row.update(first_seen_at=now, last_seen_at=now, last_changed_at=now)
                self.articles.insert(row)
                return "new"
            for column in KEEP_OLD_WHEN_MISSING:
                if row[column] is None:
                    row[column] = old[column]
            row.update(
                first_seen_at=old["first_seen_at"],
                last_seen_at=now,
                last_changed_at=old["last_changed_at"],
            )
            changed = old["content_hash"] != article.content_hash
            if changed:
                self._keep_version(old)
                row["last_changed_at"] = now
            self.articles.update(article.url, row)
            return "updated" if changed else "unchanged"

    def _keep_version(self, old: dict[str, Any]) -> None:
        self.db.table("article_versions").insert(
            {
                "url": old["url"],
                "content_hash": old["content_hash"],
                "title": old["title"],
                "body": old["body"],
                "seen_at": old["last_seen_at"],
            }
        )

    def versions(self, url: str) -> list[dict[str, Any]]:
        return list(self.db.table("article_versions").rows_where("url = ?", [url], order_by="id"))

    def delete_article(self, url: str) -> None:
        with self.db.atomic():
            self.articles.delete_where("url = ?", [url])

    # ------------------------------------------------------------------ runs and errors

    def start_run(self, kind: str, start_urls: list[str]) -> int:
        with self.db.atomic():
            table = self.db.table("runs").insert(
                {
                    "kind": kind,
                    "started_at": utc_now(),
                    "status": "running",
                    "start_urls": json.dumps(start_urls, ensure_ascii=False),
                    "requests": 0,
                    "new": 0,
                    "updated": 0,
                    "unchanged": 0,
                    "errors": 0,
                    "stats": "{}",
                }
            )
        assert table.last_pk is not None
        return int(table.last_pk)

    def finish_run(
        self, run_id: int, *, status: str, counts: RunCounts, requests: int, stats: dict[str, Any]
    ) -> None:
        with self.db.atomic():
            self.db.table("runs").update(
                run_id,
                {
                    "finished_at": utc_now(),
                    "status": status,
                    "requests": requests,
                    "new": counts.new,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                    "errors": counts.errors,
                    "stats": json.dumps(stats, default=str),
                },
            )

    def mark_abandoned_runs(self) -> int:
        """Runs still "running" when nobody holds the lock were killed: say so."""
        with self.db.atomic():
            cursor = self.db.execute("update runs set status = 'killed' where status = 'running'")
        return cursor.rowcount

    def mark_section_paged(self, url: str, site: str, pages: int, run_id: int | None) -> None:
        with self.db.atomic():
            self.db.table("sections").upsert(
                {
                    "url": url,
                    "site": site,
                    "pages": pages,
                    "last_paged_at": utc_now(),
                    "run_id": run_id,
                },
                pk="url",
            )

    def is_section_paged(self, url: str) -> bool:
        return bool(self.db.execute("select 1 from sections where url = ?", [url]).fetchone())

    def title_and_date(self, url: str) -> tuple[str, str | None] | None:
        """(title, published_at) of an archived article, for spotting changed list entries."""
        row = self.db.execute(
            "select title, published_at from articles where url = ?", [url]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def record_error(self, run_id: int | None, url: str, stage: Stage, reason: str) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        with self.db.atomic():
            self.db.table("errors").insert(
                {"run_id": run_id, "url": url, "stage": stage, "reason": reason, "at": utc_now()}
            )
        logger.warning("recorded %s error for %s: %s", stage, url, reason)

    def run(self, run_id: int) -> dict[str, Any]:
        return dict(self.db.table("runs").get(run_id))

    def recent_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        return list(self.db.table("runs").rows_where(order_by="id desc", limit=limit))

    def errors_of_run(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.db.table("errors").rows_where("run_id = ?", [run_id], order_by="id"))

    def iter_articles(
        self, where: str | None = None, args: list[Any] | None = None
    ) -> Iterator[Article]:
        for row in self.articles.rows_where(where, args or [], order_by="url"):
            yield row_to_article(row)

    def count_articles(self) -> int:
        return self.articles.count


@contextmanager
def archive_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the archive's crawl lock (``<db>.lock``) or raise ArchiveLocked at once.

    An OS lock (flock): the kernel drops it when its holder dies, even by SIGKILL, so a killed
    run never blocks the next one.
    """
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ArchiveLocked(f"another crawl holds {db_path} ({holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {utc_now()}")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
