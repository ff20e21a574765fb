"""Where the archive's text came from, and what the sites took down: the ``captures`` rows
and ``articles.gone_at``. Functions over an open database; ``Archive`` calls them."""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils

from crawler.store.schema import note_run_article, row_dicts, utc_now
from crawler.warc import CaptureRef

logger = logging.getLogger(__name__)


def add_capture(db: sqlite_utils.Database, ref: CaptureRef, run_id: int | None) -> int:
    cursor = db.execute(
        "INSERT INTO captures (url, run_id, fetched_at, status, record_type, warc_file, "
        "warc_offset, warc_length, record_id, payload_digest) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [ref.url, run_id, ref.fetched_at, ref.status, ref.record_type, ref.warc_file, ref.offset,
         ref.length, ref.record_id, ref.payload_digest],
    )  # fmt: skip
    assert cursor.lastrowid is not None
    return int(cursor.lastrowid)


def capture_id_of(db: sqlite_utils.Database, record_id: str) -> int | None:
    row = db.execute("SELECT id FROM captures WHERE record_id = ?", [record_id]).fetchone()
    return int(row[0]) if row else None


def capture_row(db: sqlite_utils.Database, capture_id: int) -> dict[str, Any] | None:
    found = row_dicts(db.execute("SELECT * FROM captures WHERE id = ?", [capture_id]))
    return found[0] if found else None


def captured_articles(
    db: sqlite_utils.Database,
    site: str | None,
    since: str | None,
    after: str,
    limit: int,
    url: str | None = None,
) -> list[dict[str, Any]]:
    """Article rows by URL, from the first after ``after`` (or the one of ``url``), each with
    where its capture is (``capture_file``, ``capture_offset``, ``capture_length``; null when
    it has none)."""
    where, params = (["a.url = ?"], [url]) if url else (["a.url > ?"], [after])
    if site:
        where.append("a.site = ?")
        params.append(site)
    if since:
        where.append("a.published_at >= ?")
        params.append(since)
    cursor = db.execute(
        "SELECT a.*, c.warc_file AS capture_file, c.warc_offset AS capture_offset, "
        "c.warc_length AS capture_length FROM articles a "
        f"LEFT JOIN captures c ON c.id = a.capture_id WHERE {' AND '.join(where)} "
        "ORDER BY a.url LIMIT ?",
        [*params, limit],
    )
    return row_dicts(cursor)


def capture_locations(db: sqlite_utils.Database, capture_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for capture_id in capture_ids:
        row = capture_row(db, capture_id)
        if row:
            found[capture_id] = f"{capture_id} ({row['warc_file']}@{row['warc_offset']})"
    return found


def ref_of_row(row: dict[str, Any]) -> CaptureRef:
    return CaptureRef(
        record_id=row["record_id"],
        record_type=row["record_type"],
        url=row["url"],
        status=row["status"],
        fetched_at=row["fetched_at"],
        warc_file=row["warc_file"],
        offset=row["warc_offset"],
        length=row["warc_length"],
        payload_digest=row["payload_digest"],
    )


def article_capture(db: sqlite_utils.Database, url: str) -> CaptureRef | None:
    """The capture the archived text of ``url`` was read from (what a 304 revisits)."""
    row = db.execute("SELECT capture_id FROM articles WHERE url = ?", [url]).fetchone()
    if not row or row[0] is None:
        return None
    found = capture_row(db, int(row[0]))
    return ref_of_row(found) if found else None


def mark_gone(db: sqlite_utils.Database, url: str, status: int, run_id: int | None) -> bool | None:
    """The article's page answers 404/410: ``gone_at`` set and the run notes it. True when
    newly gone, False when it was gone already, None when the URL is not archived."""
    with db.atomic():
        row = db.execute("SELECT gone_at FROM articles WHERE url = ?", [url]).fetchone()
        if row is None:
            return None
        if row[0] is not None:
            return False
        db.execute("UPDATE articles SET gone_at = ?, gone_reason = ? WHERE url = ?",
                   [utc_now(), f"HTTP {status}", url])  # fmt: skip
        if run_id is not None:
            note_run_article(db, run_id, url, "gone")
    return True


def clear_gone(
    db: sqlite_utils.Database, urls: list[str], *, unlisted_only: bool = False
) -> list[str]:
    """Articles seen again: ``gone_at`` cleared; the URLs it was set on. With
    ``unlisted_only``, only those gone for being off their list (listed again, they are back;
    a page that answered 404 is back only when it answers)."""
    back: list[str] = []
    only = " AND gone_reason LIKE 'not listed%'" if unlisted_only else ""
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        marks = ",".join("?" * len(chunk))
        where = f"gone_at IS NOT NULL{only} AND url IN ({marks})"
        back += [row[0] for row in db.execute(f"SELECT url FROM articles WHERE {where}", chunk)]
        db.execute(f"UPDATE articles SET gone_at = NULL, gone_reason = NULL WHERE {where}", chunk)
    for url in back:
        logger.info("article is back on its site: %s", url)
    return back


def apply_listing(
    db: sqlite_utils.Database, section_url: str, listed: set[str], run_id: int | None
) -> list[str]:
    """A complete walk of a section listed ``listed``: those archived are ``listed_in`` it
    (and back, if they were gone for being off it), and its archived articles it no longer
    lists are gone. Returns the newly gone URLs."""
    now = utc_now()
    urls = sorted(listed)
    with db.atomic():
        for start in range(0, len(urls), 500):
            chunk = urls[start : start + 500]
            marks = ",".join("?" * len(chunk))
            db.execute(f"UPDATE articles SET listed_in = ? WHERE url IN ({marks})",
                       [section_url, *chunk])  # fmt: skip
        clear_gone(db, urls, unlisted_only=True)
        rows = db.execute(
            "SELECT url FROM articles WHERE listed_in = ? AND gone_at IS NULL", [section_url]
        ).fetchall()
        gone = [row[0] for row in rows if row[0] not in listed]
        for url in gone:
            db.execute("UPDATE articles SET gone_at = ?, gone_reason = ? WHERE url = ?",
                       [now, f"not listed in {section_url}", url])  # fmt: skip
            if run_id is not None:
                note_run_article(db, run_id, url, "gone")
    for url in gone:
        logger.info("article no longer listed in %s: %s", section_url, url)
    return gone
