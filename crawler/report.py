"""What the CLI prints about runs: the end-of-run summary and the ``runs`` table. Pure text
from plain values, so it is tested without a crawl."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

SHOWN_AT_MOST = 10  # URLs of each kind the summary lists; `runs --show N` lists them all
RUN_COLUMNS = (
    "id kind started_at finished_at status requests new updated unchanged gone errors".split()
)


@dataclass(frozen=True)
class RunReport:
    """One finished run as the archive records it."""

    run: dict[str, Any]  # the runs row
    errors: list[dict[str, Any]]  # its errors rows
    articles: dict[str, list[str]] = field(default_factory=dict)  # outcome → URLs (new, updated)
    archived: int = 0  # articles of the run's sites in the archive after it

    @property
    def stats(self) -> dict[str, Any]:
        return dict(json.loads(self.run.get("stats") or "{}"))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: RunReport) -> str:
    """``run 2 ok: 0 new, 0 updated, 1 unchanged, 24 not refetched (25 archived); …``.

    new + updated + unchanged + not refetched = the articles of the run's sites archived."""
    run, stats = report.run, report.stats
    handled = run["new"] + run["updated"] + run["unchanged"]
    not_refetched = max(0, report.archived - handled)
    failed_lists = int(stats.get("partyfield/list_pages/failed", 0))
    lists = f", {plural(failed_lists, 'list page')} failed" if failed_lists else ""
    seconds = float(stats.get("elapsed_time_seconds", 0))
    gone = f"; {run.get('gone') or 0} gone (kept: `gone_at` says when)" if run.get("gone") else ""
    return (
        f"run {run['id']} {run['status']}: {run['new']} new, {run['updated']} updated, "
        f"{run['unchanged']} unchanged, {not_refetched} not refetched "
        f"({report.archived} archived){gone}; {plural(run['errors'], 'error')}{lists}; "
        f"{plural(run['requests'], 'request')} in {seconds:.1f}s"
    )


def detail_lines(report: RunReport, limit: int | None = SHOWN_AT_MOST) -> list[str]:
    """The updated and gone articles and the failed pages of a run (new ones too when
    unlimited)."""
    kinds = ("new", "updated", "gone") if limit is None else ("updated", "gone")
    lines = []
    for kind in kinds:
        urls = report.articles.get(kind, [])
        lines += [f"  {kind:8} {url}" for url in urls[:limit]]
        lines += _more(len(urls), limit, report.run["id"])
    lines += [f"  {e['stage']:8} {e['url']}  {e['reason']}" for e in report.errors[:limit]]
    lines += _more(len(report.errors), limit, report.run["id"])
    shares = fetched_by(report.stats)
    if shares:
        lines.append("  fetched  " + ", ".join(f"{plural(n, 'page')} by {p}" for p, n in shares))
    return lines


def fetched_by(stats: dict[str, Any]) -> list[tuple[str, int]]:
    """The processes of a shared crawl (``host:pid``) and the pages each fetched, most first."""
    prefix, suffix = "partyfield/workers/", "/pages"
    shares = [(key[len(prefix) : -len(suffix)], int(value)) for key, value in stats.items()
              if key.startswith(prefix) and key.endswith(suffix)]  # fmt: skip
    return sorted(shares, key=lambda share: (-share[1], share[0]))


def _more(count: int, limit: int | None, run_id: int) -> list[str]:
    if limit is None or count <= limit:
        return []
    return [f"  … {count - limit} more: partyfield runs --show {run_id}"]


def interrupted_hint(report: RunReport) -> str | None:
    """What to do about a run that did not end by itself."""
    if report.run["status"] != "interrupted" or report.run.get("kind") != "crawl":
        return None
    return "the run was interrupted: `partyfield crawl … --resume` with the same URLs continues it"


def format_runs(rows: list[dict[str, Any]]) -> str:
    """A plain text table of runs, newest first; ``processes`` counts a shared crawl's
    coordinator and workers."""
    header = [*RUN_COLUMNS, "processes"]
    table = [header] + [[*(_cell(row[c]) for c in RUN_COLUMNS), _processes(row)] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in table
    )


def _processes(row: dict[str, Any]) -> str:
    shares = fetched_by(json.loads(row.get("stats") or "{}"))
    return str(len(shares)) if shares else "1"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return str(value).replace("+00:00", "Z")
