"""The arguments of the ``partyfield`` command: one subparser per command, every option with
its help text (a test checks that each command is in the README and answers ``--help``)."""

from __future__ import annotations

import argparse
import re
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from crawler.errors import ConfigError
from crawler.settings import archive_path

DEMO_PORT = 8930  # fixed so that re-running the demo archives the same URLs


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="archive database (default: $PARTYFIELD_DB, else archive/party.db)",
    )


def db_of(args: argparse.Namespace) -> Path:
    """The archive a command works on: --db, else $PARTYFIELD_DB, else archive/party.db."""
    return archive_path(str(args.db) if args.db else None)


def existing_db(args: argparse.Namespace) -> Path:
    """The archive of a command that reads one, which must already exist."""
    db = db_of(args)
    if not db.exists():
        raise ConfigError(f"no archive at {db}")
    return db


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-s",
        "--set",
        dest="settings",
        type=_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="partyfield",
        description="Crawl the 黨群園地 (party field) sections of Chinese sites into SQLite.",
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        help="Scrapy/partyfield log level on stderr (default: WARNING; DEBUG shows tracebacks)",
    )
    parser.add_argument(
        "--version", action="version", version=f"partyfield {version('partyfield')}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="serve the bundled sample site on 127.0.0.1 and crawl it into the archive"
    )
    _db_option(demo)
    demo.add_argument(
        "--port",
        type=int,
        default=DEMO_PORT,
        help=f"port of the sample site (default {DEMO_PORT}; 0 picks a free one)",
    )
    demo.add_argument(
        "--serve",
        action="store_true",
        help="only serve the sample site, until Ctrl-C, to try `partyfield crawl` on it by hand",
    )

    crawl = commands.add_parser("crawl", help="crawl party sections: the first list page of each")
    crawl.add_argument("urls", nargs="*", metavar="URL", help="section list page URL")
    crawl.add_argument(
        "--sites",
        type=Path,
        metavar="FILE",
        help="TOML file of sites and their section URLs (see README)",
    )
    _db_option(crawl)
    crawl.add_argument(
        "--refresh", action="store_true", help="refetch archived articles and walk every list page"
    )
    crawl.add_argument(
        "--resume", action="store_true", help="continue the last run of these URLs that was killed"
    )
    crawl.add_argument(
        "--progress",
        action="store_true",
        help="print progress lines on stderr (default: when stderr is a terminal)",
    )
    crawl.add_argument(
        "--redis",
        metavar="URL",
        help="coordinate a crawl shared with `partyfield worker`s: redis://HOST:PORT/DB",
    )
    _settings_option(crawl)

    worker = commands.add_parser(
        "worker", help="fetch pages for a shared crawl (`crawl --redis`) on this machine"
    )
    worker.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT/DB")
    _settings_option(worker)

    discover = commands.add_parser(
        "discover", help="find the party columns of sites from their front pages"
    )
    discover.add_argument("urls", nargs="+", metavar="URL", help="a site's front page")
    discover.add_argument(
        "--toml", action="store_true", help="print a sites file to pass to `crawl --sites`"
    )
    _settings_option(discover)

    find = commands.add_parser(
        "search", help="full-text search of the archive, in Traditional or Simplified"
    )
    find.add_argument(
        "query", nargs="+", help="words to find; every term must match (quotes are optional)"
    )
    _db_option(find)
    find.add_argument(
        "--site",
        type=host_of,
        help="only this host, e.g. www.example-mining.cn (a port is ignored)",
    )
    find.add_argument("--since", type=_iso_date, help="published on or after YYYY-MM-DD")
    find.add_argument("--until", type=_iso_date, help="published on or before YYYY-MM-DD")
    find.add_argument("--category", help="only this 分類 (either script)")
    find.add_argument("--limit", type=int, default=20, help="most results (default 20)")
    output = find.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="a JSON list of results")
    output.add_argument("--csv", action="store_true", help="CSV with a header row")

    runs = commands.add_parser("runs", help="list recent crawl and import runs")
    _db_option(runs)
    runs.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    runs.add_argument(
        "--show",
        type=int,
        metavar="ID",
        help="one run: its summary, every new, updated and failed URL",
    )

    imports = commands.add_parser(
        "import", help="archive saved detail pages (.html) and flattened text dumps (.txt)"
    )
    imports.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    _db_option(imports)

    again = commands.add_parser(
        "reparse", help="re-extract archived articles from their stored captures, offline"
    )
    _db_option(again)
    again.add_argument("--site", type=host_of, help="only this host")
    again.add_argument(
        "--since", type=_iso_date, help="only articles published on or after YYYY-MM-DD"
    )
    again.add_argument(
        "--dry-run", action="store_true", help="print what would change, write nothing"
    )

    history = commands.add_parser(
        "history", help="the versions of one article, each with a diff against the one before"
    )
    history.add_argument("url", help="the article's URL, as archived")
    _db_option(history)
    history.add_argument("--json", action="store_true", help="the versions as JSON")
    return parser


def host_of(text: str) -> str:
    """A host as the archive keeps it: lower case, without scheme, port or path."""
    parts = urlsplit(text if "//" in text else f"//{text}")
    return (parts.hostname or text).lower()


def _iso_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}")
    return text
