"""``partyfield``: parse arguments, make one library call, print. Nothing imports this module.

Exit status: 0 success; 1 the run failed (see stderr); 2 bad usage or configuration;
3 another crawl holds the archive.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from crawler.archive_commands import cmd_history, cmd_reparse
from crawler.arguments import build_parser, db_of, existing_db, host_of
from crawler.errors import ArchiveLocked, ConfigError, PartyfieldError, SharedCrawlError
from crawler.extract.urls import check_start_url
from crawler.logs import log_to_stderr, show_progress
from crawler.report import (
    RunReport,
    detail_lines,
    format_runs,
    interrupted_hint,
    plural,
    summary_line,
)
from crawler.settings_check import check_overrides
from crawler.sites import load_sites
from crawler.store import Archive, archive_lock

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = args.log_level.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        expected = "expected DEBUG, INFO, WARNING or ERROR"
        return _fail(f"--log-level {args.log_level}: {expected}", EXIT_USAGE)
    log_to_stderr(level)
    run: Command = COMMANDS[args.command]
    try:
        return run(args)
    except ConfigError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except ArchiveLocked as exc:
        return _fail(str(exc), EXIT_LOCKED)
    except PartyfieldError as exc:
        return _fail(f"{exc.stage} failed for {exc.url}: {exc.reason}", EXIT_FAILED)
    except SharedCrawlError as exc:
        return _fail(str(exc), EXIT_FAILED)


def _fail(message: str, code: int) -> int:
    print(f"partyfield: {message}", file=sys.stderr)
    return code


def _mark_abandoned_runs(db: Path) -> None:
    archive = Archive.open(db)
    try:
        if archive.mark_abandoned_runs():
            print(
                "an earlier run was killed; it is marked `killed` in the runs table",
                file=sys.stderr,
            )
    finally:
        archive.close()


def _crawl(
    urls: list[str],
    db: Path,
    overrides: dict[str, Any],
    resume: bool = False,
    redis_url: str | None = None,
) -> RunReport:
    """Run one crawl and report it as the archive recorded it."""
    from crawler.runner import run_crawl  # Scrapy and Twisted load only for crawling commands

    run_id = run_crawl(urls, db, overrides, resume=resume, redis_url=redis_url)
    if run_id is None:
        raise ConfigError("the crawl did not start (see the log above)")
    sites = sorted({host_of(url) for url in urls})
    archive = Archive.open(db)
    try:
        archive.close_interrupted_run(run_id)
        return _report(archive, run_id, sites)
    finally:
        archive.close()


def _report(archive: Archive, run_id: int, sites: list[str] | None) -> RunReport:
    run = archive.run(run_id)
    # An import refetches nothing: what it handled is all it speaks of.
    handled = run["new"] + run["updated"] + run["unchanged"]
    archived = handled if run["kind"] == "import" else archive.count_articles(sites)
    return RunReport(
        run=run,
        errors=archive.errors_of_run(run_id),
        articles=archive.articles_of_run(run_id),
        archived=archived,
    )


def _print_run(report: RunReport, db: Path) -> None:
    print(summary_line(report))
    for line in detail_lines(report):
        print(line)
    print(f"archive: {db}")
    hint = interrupted_hint(report)
    if hint:
        print(hint, file=sys.stderr)


def _crawl_plan(args: argparse.Namespace) -> tuple[list[str], dict[str, Any]]:
    """Start URLs and setting overrides from the URLs, --sites, --refresh and -s options."""
    urls = [check_start_url(url) for url in args.urls]
    slots: dict[str, dict[str, Any]] = {}
    if args.sites:
        for site in load_sites(args.sites):
            urls += [url for url in site.sections if url not in urls]
            slots.update(site.download_slots())
    if not urls:
        raise ConfigError("nothing to crawl: give section URLs or --sites FILE")
    overrides: dict[str, Any] = {"PARTYFIELD_REFRESH": args.refresh}
    if slots:
        overrides["DOWNLOAD_SLOTS"] = slots
    return urls, overrides | check_overrides(dict(args.settings), _warn)


def _warn(message: str) -> None:
    print(f"partyfield: warning: {message}", file=sys.stderr)


def cmd_crawl(args: argparse.Namespace) -> int:
    db = db_of(args)
    urls, overrides = _crawl_plan(args)
    if args.redis:
        from crawler.shared.link import check_redis_url, connect

        connect(check_redis_url(args.redis))  # unreachable or not a Redis: say so now
    if args.progress or sys.stderr.isatty():
        show_progress()
    with archive_lock(db):
        _mark_abandoned_runs(db)
        report = _crawl(urls, db, overrides, resume=args.resume, redis_url=args.redis)
    _print_run(report, db)
    run = report.run
    if run["status"] != "ok":
        stored = run["new"] + run["updated"] + run["unchanged"]
        return _fail(
            f"run {run['id']} {run['status']}: {plural(run['errors'], 'page')} failed, "
            f"{stored} archived",
            EXIT_FAILED,
        )
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    from crawler.runner import project_settings
    from crawler.shared.link import check_redis_url
    from crawler.shared.setup import run_worker

    overrides = check_overrides(dict(args.settings), _warn)
    settings = project_settings(Path(os.devnull), overrides)
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    why = run_worker(settings, check_redis_url(args.redis))
    print(f"worker stopped ({why or 'signal'})", file=sys.stderr)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from crawler.store.search import SearchFilters, search

    db = existing_db(args)
    filters = SearchFilters(site=args.site, since=args.since, until=args.until,
                            category=args.category, limit=args.limit)  # fmt: skip
    archive = Archive.open(db)
    try:
        hits = [hit.as_dict() for hit in search(archive.db, " ".join(args.query), filters)]
    finally:
        archive.close()
    if args.json:
        print(json.dumps(hits, ensure_ascii=False, indent=1))
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=SEARCH_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(hits)
    else:
        _print_hits(hits)
    return EXIT_OK


SEARCH_FIELDS = ["url", "title", "site", "published_at", "category", "snippet"]


def _print_hits(hits: list[dict[str, Any]]) -> None:
    for number, hit in enumerate(hits, 1):
        print(f"{number:2}. {(hit['published_at'] or '')[:10]:10}  {hit['title']}")
        print(f"    {hit['url']}")
        print(f"    {hit['snippet']}")
    print(f"{len(hits)} result{'s' if len(hits) != 1 else ''}")


def cmd_runs(args: argparse.Namespace) -> int:
    db = existing_db(args)
    archive = Archive.open(db)
    try:
        if args.show is None:
            print(format_runs(archive.recent_runs(args.limit)))
            return EXIT_OK
        if not archive.has_run(args.show):
            raise ConfigError(f"no run {args.show} in {db}")
        report = _report(archive, args.show, _run_sites(archive.run(args.show)))
    finally:
        archive.close()
    print(summary_line(report))
    print("\n".join(detail_lines(report, limit=None)))
    return EXIT_OK


def _run_sites(run: dict[str, Any]) -> list[str] | None:
    urls = json.loads(run.get("start_urls") or "[]")
    sites = sorted({host_of(url) for url in urls if "://" in url and not url.startswith("file:")})
    return sites or None


def cmd_import(args: argparse.Namespace) -> int:
    from crawler.importer import import_files

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise ConfigError(f"no such file or folder: {missing[0]}")
    db = db_of(args)
    archive = Archive.open(db)
    tally = {"imported": 0, "skipped": 0, "failed": 0}
    try:
        for result in import_files(archive, args.paths):
            tally[result.outcome] += 1
            print(f"{result.outcome:8} {result.path}  ({result.detail})")
    finally:
        archive.close()
    print(
        f"{tally['imported']} imported, {tally['skipped']} skipped, {tally['failed']} failed "
        f"into {db}"
    )
    if tally["failed"]:
        return _fail(f"{tally['failed']} of {sum(tally.values())} files failed", EXIT_FAILED)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from crawler.demo.families import FamilySpec, build_family_site
    from crawler.demo.site import SiteSpec, build_site

    db = db_of(args)
    with ExitStack() as stack:
        if not args.serve:
            stack.enter_context(archive_lock(db))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="partyfield-")))
        portal = build_site(folder / "yun300", SiteSpec(file_notice=True))
        college = build_family_site(folder / "vsb", FamilySpec(family="vsb"))
        second_port = args.port + 1 if args.port else 0
        first = _serve_demo_site(stack, folder / "yun300", args.port)
        second = _serve_demo_site(stack, folder / "vsb", second_port)
        starts = [first + portal.start_path, second + college.start_path]
        if args.serve:
            return _serve_until_interrupted(starts, second + "/index.html")
        print(f"serving the sample sites at {starts[0]} (yun300) and {starts[1]} (博达 VSB)")
        report = _crawl(starts, db, {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False})
    _print_run(report, db)
    _print_demo_queries(db)
    return EXIT_OK if report.run["status"] == "ok" else EXIT_FAILED


def _serve_demo_site(stack: ExitStack, folder: Path, port: int) -> str:
    """Serve a sample site on ``port`` (a free one when it is busy); returns its base URL."""
    from crawler.demo.server import serve

    try:
        return stack.enter_context(serve(folder, port=port)).url
    except OSError:
        print(f"port {port} is busy; serving on a free port", file=sys.stderr)
        return stack.enter_context(serve(folder, port=0)).url


def _serve_until_interrupted(starts: list[str], front_page: str) -> int:
    partyfield = _command("partyfield")
    print(f"serving the sample site at {starts[0]} until Ctrl-C; crawl it with:")
    print(f"  {partyfield} crawl {starts[0]} --db /tmp/demo.db", flush=True)
    print(f"and a 博达 VSB university site at {front_page}; find its party columns with:")
    print(f"  {partyfield} discover {front_page}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopped serving", file=sys.stderr)
    return EXIT_OK


def _command(name: str) -> str:
    """A command as the user can type it: bare when on PATH, else its path beside this Python."""
    if shutil.which(name):
        return name
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


def _print_demo_queries(db: Path) -> None:
    archive = Archive.open(db)
    try:
        rows = list(
            archive.db.query(
                "select published_at, title from articles order by published_at desc limit 5"
            )
        )
        total = archive.count_articles()
    finally:
        archive.close()
    print(f"\n{total} articles in the archive; the newest:")
    for row in rows:
        print(f"  {row['published_at'][:10]}  {row['title']}")
    tool = _command("sqlite-utils")
    print("\nLook at them with:")
    print(
        f'  {tool} query {db} "select published_at, title, category from articles '
        f'order by published_at desc" --table'
    )
    print(f"  {tool} search {db} articles 黨建工作 --table -c title")
    print(f"  {_command('partyfield')} search 党建工作 --db {db}    (Simplified finds Traditional)")


def cmd_discover(args: argparse.Namespace) -> int:
    from crawler.discovery import columns_by_front_page, sites_toml, tsv_lines
    from crawler.runner import run_discover

    urls = [check_start_url(url) for url in args.urls]
    found = run_discover(urls, check_overrides(dict(args.settings), _warn))
    results = columns_by_front_page(urls, found)
    failed = [r for r in results if not r.columns]
    lines = sites_toml(results) if args.toml and len(failed) < len(results) else tsv_lines(results)
    for line in lines:
        print(line)
    for result in results:
        print(f"partyfield: {result.describe()}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


COMMANDS: dict[str, Command] = {
    "demo": cmd_demo,
    "crawl": cmd_crawl,
    "discover": cmd_discover,
    "search": cmd_search,
    "runs": cmd_runs,
    "import": cmd_import,
    "reparse": cmd_reparse,
    "history": cmd_history,
    "worker": cmd_worker,
}


if __name__ == "__main__":
    sys.exit(main())
