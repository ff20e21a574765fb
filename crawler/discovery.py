"""What ``partyfield discover`` found, per front page, as lines or as a sites file. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from crawler.items import DiscoveredColumn, FrontPageFailure, RejectedColumn


@dataclass
class FrontPageResult:
    url: str
    columns: list[DiscoveredColumn] = field(default_factory=list)
    rejected: list[RejectedColumn] = field(default_factory=list)
    failure: str | None = None  # why the front page could not be read

    def describe(self) -> str:
        """One line for stderr."""
        if self.failure:
            return f"{self.url}: front page not read: {self.failure}"
        checked = len(self.columns) + len(self.rejected)
        if not self.columns:
            return f"{self.url}: no party column found ({checked} links named like one checked)"
        return (
            f"{self.url}: {len(self.columns)} party column(s); "
            f"{len(self.rejected)} other link(s) named like one are not article lists"
        )


def columns_by_front_page(front_pages: list[str], items: list[Any]) -> list[FrontPageResult]:
    """The spider's items sorted to their front pages, columns in the order found."""
    results = {url: FrontPageResult(url) for url in front_pages}
    for item in items:
        if isinstance(item, FrontPageFailure):
            results[item.url].failure = item.reason
        elif isinstance(item, DiscoveredColumn):
            results[item.front_page].columns.append(item)
        elif isinstance(item, RejectedColumn):
            results[item.front_page].rejected.append(item)
    for result in results.values():
        result.columns.sort(key=lambda column: column.rank)  # page order, not answer order
    return list(results.values())


def tsv_lines(results: list[FrontPageResult]) -> list[str]:
    """``URL<TAB>name<TAB>layout``, one line per column."""
    return [f"{c.url}\t{c.name}\t{c.layout}" for r in results for c in r.columns]


def sites_toml(results: list[FrontPageResult]) -> list[str]:
    """A sites file: one ``[[site]]`` per front page with columns, each column commented."""
    lines: list[str] = ["# written by partyfield discover; pass it to `partyfield crawl --sites`"]
    for result in results:
        if not result.columns:
            continue
        host = urlsplit(result.url).hostname or result.url
        lines += ["", "[[site]]", f"name = {json.dumps(host)}", "sections = ["]
        lines += [f"  {json.dumps(c.url)},  # {c.name} ({c.layout})" for c in result.columns]
        lines.append("]")
    return lines
