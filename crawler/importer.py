"""``partyfield import``: archive saved pages and flattened text dumps from disk.

Each file goes through the same extraction, validation and storage as a crawled page, and its
outcome is reported on its own: one bad file never stops the batch. An imported file is kept
as a WARC ``resource`` record, its capture, so that ``partyfield reparse`` reads it again.
Like the archive pipeline, this is a storage entry point, so it may use ``crawler.store``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from crawler.errors import ExtractError, FetchError, PartyfieldError, StoreError
from crawler.extract import declared_url, extract
from crawler.extract.decode import decode_text
from crawler.extract.textdump import is_text_dump, parse_text_dump
from crawler.items import Article, validate_article
from crawler.store import Archive, RunCounts
from crawler.warc import WarcFiles

logger = logging.getLogger(__name__)

HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
TEXT_SUFFIXES = frozenset({".txt", ".text"})


@dataclass(frozen=True)
class FileResult:
    path: Path
    outcome: Literal["imported", "skipped", "failed"]
    detail: str  # imported: new / updated / unchanged; otherwise the reason


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the HTML and text files below each folder, sorted."""
    for path in paths:
        if path.is_dir():
            suffixes = HTML_SUFFIXES | TEXT_SUFFIXES
            yield from sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes)
        else:
            yield path


@dataclass(frozen=True)
class SavedPage:
    """A file as read, and what it is: ``content_type`` is what its WARC resource record says
    (``text/plain`` for a text dump, which reparse reads as one)."""

    data: bytes
    content_type: str
    article: Article | None


def read_article(path: Path) -> SavedPage:
    """One saved file and the article in it (None when it holds no article)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FetchError(path.as_posix(), f"cannot read: {exc.strerror or exc}") from exc
    file_url = path.resolve().as_uri()
    if path.suffix.lower() in HTML_SUFFIXES:
        return SavedPage(data, "text/html", extract(declared_url(data) or file_url, data))
    text = decode_text(data)
    if is_text_dump(text):
        return SavedPage(data, "text/plain", parse_text_dump(file_url, text))
    if path.suffix.lower() not in TEXT_SUFFIXES and "<html" in text[:2000].lower():
        return SavedPage(data, "text/html", extract(declared_url(data) or file_url, data))
    return SavedPage(data, "text/plain", None)


def import_one(archive: Archive, warc: WarcFiles, run_id: int, path: Path) -> FileResult:
    url = path.as_posix()
    try:
        saved = read_article(path)
        article = saved.article
        if article is None:
            return FileResult(path, "skipped", "no article in this file")
        url = article.url
        validate_article(article)
        ref = warc.write_resource(url, saved.data, saved.content_type, datetime.now(UTC))
        capture_id = archive.add_capture(ref, run_id)
        outcome = archive.store_article(article, run_id, capture_id=capture_id)
        return FileResult(path, "imported", outcome)
    except PartyfieldError as exc:
        archive.record_error(run_id, url, exc.stage, exc.reason)
        return FileResult(path, "failed", f"{exc.stage}: {exc.reason}")
    except (ValueError, UnicodeError) as exc:  # a parser choking on a malformed file
        failure = ExtractError(url, f"{type(exc).__name__}: {exc}")
        archive.record_error(run_id, url, failure.stage, failure.reason)
        return FileResult(path, "failed", f"{failure.stage}: {failure.reason}")


def import_files(archive: Archive, paths: Iterable[Path]) -> Iterator[FileResult]:
    """Import every file, yielding each result as it is known; one ``runs`` row for the batch."""
    files = list(expand(paths))
    run_id = archive.start_run("import", [p.as_posix() for p in files])
    counts = {"new": 0, "updated": 0, "unchanged": 0, "errors": 0}
    warc = WarcFiles(archive.folder, run_id)
    try:
        for path in files:
            result = import_one(archive, warc, run_id, path)
            if result.outcome == "imported":
                counts[result.detail] += 1
            elif result.outcome == "failed":
                counts["errors"] += 1
            yield result
    finally:
        warc.close()
        status = "failed" if counts["errors"] and counts["errors"] == len(files) else "ok"
        archive.finish_run(
            run_id,
            status=status,
            counts=RunCounts(**counts),
            requests=0,
            stats={"files": len(files)},
        )


__all__ = ["FileResult", "StoreError", "expand", "import_files", "read_article"]
