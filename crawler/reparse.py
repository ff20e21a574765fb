"""``partyfield reparse``: every article read again from its own stored capture, offline.

The remedy for a parser fix: the WARC record an article's text came from is read back by its
byte span, extracted with the current code, and compared with the archived row. A changed
article gets the new text; the old one goes to ``article_versions`` with reason ``reparse``.
A capture that is missing or unreadable, or a page the current code cannot read, is an
``errors`` row (stage ``reparse``) and the archived text stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from w3lib.encoding import http_content_type_encoding

from crawler.errors import PartyfieldError
from crawler.extract import PARSER_VERSION, extract
from crawler.extract.decode import decode_text
from crawler.extract.textdump import parse_text_dump
from crawler.items import Article, validate_article
from crawler.store import Archive, RunCounts
from crawler.warc import CaptureFiles, StoredPage

BATCH = 500  # articles per transaction: a killed reparse loses at most one batch of work

ReparseOutcome = Literal["changed", "unchanged", "failed", "uncaptured"]


@dataclass(frozen=True)
class ReparseResult:
    url: str
    outcome: ReparseOutcome
    fields: tuple[str, ...] = ()  # changed: the columns whose value changed
    reason: str = ""  # failed: why


@dataclass
class ReparseTally:
    counts: dict[str, int] = field(
        default_factory=lambda: {"changed": 0, "unchanged": 0, "failed": 0, "uncaptured": 0}
    )
    run_id: int | None = None


def article_of_page(url: str, page: StoredPage) -> Article | None:
    """What the current code reads from a stored page: HTML, or a flattened text dump."""
    content_type = page.content_type or ""
    if content_type.startswith("text/plain"):
        return parse_text_dump(url, decode_text(page.body))
    return extract(url, page.body, http_charset=http_content_type_encoding(content_type))


def reparse(
    archive: Archive,
    *,
    site: str | None = None,
    since: str | None = None,
    dry_run: bool = False,
    tally: ReparseTally | None = None,
) -> Iterator[ReparseResult]:
    """Reparse the selected articles, yielding each result. With ``dry_run`` nothing is
    written: not the articles, not a run, not an error."""
    tally = tally if tally is not None else ReparseTally()
    if not dry_run:
        tally.run_id = archive.start_run("reparse", [site] if site else [])
    files = CaptureFiles(archive.folder)
    after = ""
    try:
        while batch := archive.captured_articles(site=site, since=since, after=after, limit=BATCH):
            after = batch[-1]["url"]
            with archive.db.atomic():
                for row in batch:
                    result = _reparse_one(archive, files, row, dry_run)
                    tally.counts[result.outcome] += 1
                    if result.outcome == "failed" and tally.run_id is not None:
                        archive.record_error(tally.run_id, result.url, "reparse", result.reason)
                    yield result
    finally:
        files.close()
        if tally.run_id is not None:
            _finish(archive, tally)


def reparse_from_capture(archive: Archive, url: str) -> ReparseResult | None:
    """One article read again from its capture when an older parser read its text (a 304
    confirmed the capture is still what the site serves); None when there is nothing to do."""
    row = archive.captured_article(url)
    if row is None or row["capture_file"] is None or row["parser_version"] == PARSER_VERSION:
        return None
    files = CaptureFiles(archive.folder)
    try:
        with archive.db.atomic():
            return _reparse_one(archive, files, row, dry_run=False)
    finally:
        files.close()


def _reparse_one(
    archive: Archive, files: CaptureFiles, row: dict[str, Any], dry_run: bool
) -> ReparseResult:
    url = row["url"]
    if row["capture_file"] is None:
        return ReparseResult(url, "uncaptured")
    try:
        page = files.page(url, row["capture_file"], row["capture_offset"], row["capture_length"])
        article = article_of_page(url, page)
        if article is None:
            return ReparseResult(url, "failed", reason="the current code reads no article there")
        article = replace(article, url=url)
        validate_article(article)
    except PartyfieldError as exc:
        return ReparseResult(url, "failed", reason=exc.reason)
    except (ValueError, UnicodeError) as exc:  # a parser choking on a malformed page
        return ReparseResult(url, "failed", reason=f"{type(exc).__name__}: {exc}")
    fields = archive.would_change(article, row) if dry_run else archive.reparsed(article, row)
    return ReparseResult(url, "changed" if fields else "unchanged", tuple(fields))


def _finish(archive: Archive, tally: ReparseTally) -> None:
    assert tally.run_id is not None
    counts = tally.counts
    status = (
        "failed" if counts["failed"] and not (counts["changed"] + counts["unchanged"]) else "ok"
    )
    archive.finish_run(
        tally.run_id,
        status=status,
        counts=RunCounts(updated=counts["changed"], unchanged=counts["unchanged"],
                         errors=counts["failed"]),
        requests=0,
        stats={"reparse": counts},
    )  # fmt: skip
