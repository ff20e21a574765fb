"""The archive: opening it, upserting articles, and keeping runs and errors.

The tables are defined in ``crawler.store.schema``; search lives in ``crawler.store.search``.
Only pipelines, the importer and the CLI use this package.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlite_utils
from sqlite_utils.db import Table

from crawler.errors import STAGES, Stage, StoreError
from crawler.extract import PARSER_VERSION
from crawler.items import Article
from crawler.store import provenance
from crawler.store.lock import archive_lock
from crawler.store.schema import (
    EDITED_ON_SITE,
    KEEP_OLD_WHEN_MISSING,
    REPARSE,
    VERSION_METADATA,
    article_to_row,
    insert_article_row,
    migrations,
    note_run_article,
    read_article_row,
    row_to_article,
    searchable,
    update_article_row,
    utc_now,
    write_search_text,
)
from crawler.warc import CaptureRef

__all__ = ["Archive", "Outcome", "RunCounts", "archive_lock", "article_to_row", "row_to_article"]

logger = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged"]


@dataclass(frozen=True)
class RunCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    gone: int = 0


class Archive:
    """An opened archive database. Every write is atomic; every article write an upsert."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path

    @property
    def folder(self) -> Path:
        """The archive's folder: WARC file names in ``captures`` are relative to it."""
        return self.path.parent

    @classmethod
    def open(cls, path: str | Path) -> Archive:
        """Open (creating folders and tables as needed) the archive at ``path``."""
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(path)
            db.execute("PRAGMA busy_timeout = 10000")
            db.enable_wal()
            # In WAL mode NORMAL keeps every commit atomic; fsync waits for checkpoints.
            db.execute("PRAGMA synchronous = NORMAL")
            migrations.apply(db)
        except Exception as exc:  # sqlite3/OS errors of many kinds: one clear message
            raise StoreError(str(path), f"cannot open archive: {exc}") from exc
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    @property
    def articles(self) -> Table:
        return self.db.table("articles")

    def article_row(self, url: str) -> dict[str, Any] | None:
        return read_article_row(self.db, url)

    def get(self, url: str) -> Article | None:
        row = read_article_row(self.db, url)
        return row_to_article(row) if row else None

    def known_urls(self, urls: list[str]) -> set[str]:
        """The subset of ``urls`` already archived."""
        found: set[str] = set()
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"select url from articles where url in ({marks})"
            found.update(row[0] for row in self.db.execute(sql, chunk).fetchall())
        return found

    def store_article(
        self, article: Article, run_id: int | None = None, *, capture_id: int | None = None
    ) -> Outcome:
        """Insert or update one article; an earlier text goes to ``article_versions``.

        ``capture_id`` names the capture the article was read from. With ``run_id``, a new or
        changed article is noted in ``run_articles``."""
        with self.db.atomic():
            outcome = self._upsert(article, capture_id)
            if run_id is not None and outcome != "unchanged":
                note_run_article(self.db, run_id, article.url, outcome)
            return outcome

    def _upsert(self, article: Article, capture_id: int | None) -> Outcome:
        """The article's row written; call inside a transaction (``store_article`` opens it)."""
        now = utc_now()
        row = article_to_row(article)
        row.update(capture_id=capture_id, parser_version=PARSER_VERSION, gone_at=None,
                   gone_reason=None)  # fmt: skip
        old = read_article_row(self.db, article.url)
        if old is None:
            row.update(first_seen_at=now, last_seen_at=now, last_changed_at=now)
            insert_article_row(self.db, row)
            write_search_text(self.db, row)
            return "new"
        _keep_old_when_missing(row, old)
        row.update(
            first_seen_at=old["first_seen_at"],
            last_seen_at=now,
            last_changed_at=old["last_changed_at"],
        )
        if old["gone_at"]:
            logger.info("article is back on its site: %s", article.url)
        changed = old["content_hash"] != article.content_hash
        if changed:
            self._keep_version(old, EDITED_ON_SITE)
            row["last_changed_at"] = now
        update_article_row(self.db, row)
        if changed or searchable(row) != searchable(old):
            write_search_text(self.db, row)
        return "updated" if changed else "unchanged"

    def captured_articles(
        self, *, site: str | None, since: str | None, after: str, limit: int
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` article rows after URL ``after``, with their capture's span."""
        return provenance.captured_articles(self.db, site, since, after, limit)

    def captured_article(self, url: str) -> dict[str, Any] | None:
        """The article row of ``url`` with its capture's span, as ``captured_articles``."""
        found = provenance.captured_articles(self.db, None, None, "", 1, url=url)
        return found[0] if found else None

    def would_change(self, article: Article, old: dict[str, Any]) -> list[str]:
        """The fields ``reparsed(article, old)`` would change, writing nothing."""
        _row, changed = _reparsed_row(article, old)
        return [column for column in changed if column != "content_hash"]

    def reparsed(self, article: Article, old: dict[str, Any]) -> list[str]:
        """Store what the current code reads from an article's own capture, given its row
        ``old``: the fields that changed (none: only ``parser_version`` moves). A changed
        article's previous text goes to ``article_versions`` with reason ``reparse``; its seen
        times stay. Call inside ``self.db.atomic()`` (reparse commits in batches)."""
        row, changed = _reparsed_row(article, old)
        if not changed and old["parser_version"] == PARSER_VERSION:
            return []
        row["parser_version"] = PARSER_VERSION
        if changed:
            self._keep_version(old, REPARSE)
            if "content_hash" in changed:
                row["last_changed_at"] = utc_now()
        update_article_row(self.db, row)
        if changed and searchable({**old, **row}) != searchable(old):
            write_search_text(self.db, {**old, **row})
        return [column for column in changed if column != "content_hash"]

    def mark_unchanged(self, url: str) -> bool:
        """An archived article confirmed unchanged (a 304): ``last_seen_at`` moves, and it is
        no longer gone if it was."""
        with self.db.atomic():
            provenance.clear_gone(self.db, [url])
            cursor = self.db.execute(
                "UPDATE articles SET last_seen_at = ? WHERE url = ?", [utc_now(), url]
            )
        return cursor.rowcount > 0

    # ------------------------------------------------------------------ captures and deletions

    def add_capture(self, ref: CaptureRef, run_id: int | None) -> int:
        with self.db.atomic():
            return provenance.add_capture(self.db, ref, run_id)

    def capture_id_of(self, record_id: str) -> int | None:
        return provenance.capture_id_of(self.db, record_id)

    def capture_of_article(self, url: str) -> CaptureRef | None:
        return provenance.article_capture(self.db, url)

    def capture_locations(self, capture_ids: list[int]) -> dict[int, str]:
        """``id → "<id> (warc/<file>@<offset>)"`` for the captures that exist."""
        return provenance.capture_locations(self.db, capture_ids)

    def mark_gone(self, url: str, status: int, run_id: int | None = None) -> bool | None:
        return provenance.mark_gone(self.db, url, status, run_id)

    def apply_listing(
        self, section_url: str, listed: set[str], run_id: int | None = None
    ) -> list[str]:
        return provenance.apply_listing(self.db, section_url, listed, run_id)

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(ETag, Last-Modified) the server last sent for the page archived as ``url``."""
        row = self.db.execute(
            "SELECT etag, last_modified FROM page_validators WHERE url = ?", [url]
        ).fetchone()
        return (row[0], row[1]) if row else None

    def keep_validators(self, found: list[tuple[str, str | None, str | None]]) -> None:
        """Store (url, etag, last_modified) triples, many at once."""
        now = utc_now()
        with self.db.atomic():
            self.db.conn.executemany(
                "INSERT OR REPLACE INTO page_validators (url, etag, last_modified, seen_at) "
                "VALUES (?, ?, ?, ?)",
                [(url, etag, modified, now) for url, etag, modified in found],
            )

    def store_articles(self, articles: list[Article]) -> list[Outcome]:
        """Store many articles in one transaction (imports and bulk loads)."""
        with self.db.atomic():
            return [self.store_article(article) for article in articles]

    def _keep_version(self, old: dict[str, Any], reason: str) -> None:
        metadata = {column: old[column] for column in VERSION_METADATA}
        # Plain SQL: sqlite-utils' insert() re-reads the table's schema on every call.
        self.db.execute(
            "INSERT INTO article_versions (url, content_hash, title, body, seen_at, capture_id, "
            "parser_version, reason, replaced_at, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [old["url"], old["content_hash"], old["title"], old["body"], old["last_seen_at"],
             old["capture_id"], old["parser_version"], reason, utc_now(),
             json.dumps(metadata, ensure_ascii=False)],
        )  # fmt: skip

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
                    "gone": counts.gone,
                    "stats": json.dumps(stats, default=str),
                },
            )

    def close_interrupted_run(self, run_id: int) -> None:
        """A run the process left ``running`` (stopped before its bookkeeping) is interrupted."""
        with self.db.atomic():
            self.db.execute(
                "update runs set status = 'interrupted', finished_at = ? "
                "where id = ? and status = 'running'",
                [utc_now(), run_id],
            )

    def has_run(self, run_id: int) -> bool:
        return bool(self.db.execute("select 1 from runs where id = ?", [run_id]).fetchone())

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

    def count_articles(self, sites: list[str] | None = None) -> int:
        """Articles in the archive, or of these sites (hosts) only."""
        if sites is None:
            return self.articles.count
        marks = ",".join("?" * len(sites))
        sql = f"select count(*) from articles where site in ({marks})"
        return int(self.db.execute(sql, sites).fetchone()[0])

    def articles_of_run(self, run_id: int) -> dict[str, list[str]]:
        """URLs a run archived, by outcome (``new``, ``updated``, ``gone``)."""
        found: dict[str, list[str]] = {"new": [], "updated": []}
        rows = self.db.execute(
            "select outcome, url from run_articles where run_id = ? order by url", [run_id]
        )
        for outcome, url in rows.fetchall():
            found.setdefault(outcome, []).append(url)
        return found


def _keep_old_when_missing(row: dict[str, Any], old: dict[str, Any]) -> None:
    for column in KEEP_OLD_WHEN_MISSING:
        if row[column] is None:
            row[column] = old[column]


def _reparsed_row(article: Article, old: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The row a reparse would write over ``old``, and the columns whose value it changes."""
    row = article_to_row(article)
    _keep_old_when_missing(row, old)
    return row, [column for column, value in row.items() if old[column] != value]
