"""The commands that work on the archive's own captures and versions: ``reparse`` and
``history``. Like ``crawler.cli``: parse nothing, make one library call, print."""

from __future__ import annotations

import argparse
import json
import sys

from crawler.arguments import existing_db
from crawler.errors import ConfigError
from crawler.history import format_history, history_json, versions_of
from crawler.reparse import ReparseTally, reparse
from crawler.store import Archive, archive_lock


def cmd_reparse(args: argparse.Namespace) -> int:
    db = existing_db(args)
    archive = Archive.open(db)
    tally = ReparseTally()
    try:
        if args.dry_run:
            _reparse(archive, args, tally)
        else:
            with archive_lock(db):  # one writer: a crawl and a reparse do not interleave
                _reparse(archive, args, tally)
    finally:
        archive.close()
    counts = tally.counts
    done = "would change" if args.dry_run else "changed"
    print(
        f"{counts['changed']} {done}, {counts['unchanged']} unchanged, {counts['failed']} failed"
        f", {counts['uncaptured']} without a capture"
        + (f"; run {tally.run_id}" if tally.run_id else "")
    )
    if counts["failed"]:
        print(f"partyfield: {counts['failed']} articles could not be reparsed; their archived "
              "text is kept", file=sys.stderr)  # fmt: skip
        return 1
    return 0


def _reparse(archive: Archive, args: argparse.Namespace, tally: ReparseTally) -> None:
    results = reparse(archive, site=args.site, since=args.since, dry_run=args.dry_run, tally=tally)
    for result in results:
        if result.outcome == "changed":
            print(f"{'would change' if args.dry_run else 'changed'} {result.url}  "
                  f"({', '.join(result.fields)})")  # fmt: skip
        elif result.outcome == "failed":
            print(f"failed  {result.url}  {result.reason}")


def cmd_history(args: argparse.Namespace) -> int:
    archive = Archive.open(existing_db(args))
    try:
        article = archive.article_row(args.url)
        if article is None:
            raise ConfigError(f"{args.url} is not in the archive")
        versions = versions_of(article, archive.versions(args.url))
        locations = archive.capture_locations([v.capture_id for v in versions if v.capture_id])
    finally:
        archive.close()
    if args.json:
        print(json.dumps(history_json(args.url, versions), ensure_ascii=False, indent=2))
    else:
        print(format_history(args.url, versions, locations))
    return 0
