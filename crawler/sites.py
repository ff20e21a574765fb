"""The sites file (TOML): which sections of which sites a scheduled crawl visits. Pure.

[[site]]
name = "example-mining"                           # any label, shown in logs
sections = ["https://www.example-mining.cn/news/12/"]
delay = 1.0                                       # optional: seconds between requests
concurrency = 2                                   # optional: parallel requests to the site
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import ConfigError
from crawler.extract.urls import check_start_url


@dataclass(frozen=True)
class SiteConfig:
    name: str
    sections: tuple[str, ...]  # section list page URLs
    delay: float | None = None  # seconds between requests to this site; None: the default
    concurrency: int | None = None  # parallel requests to this site; None: the default

    def download_slots(self) -> dict[str, dict[str, Any]]:
        """Scrapy DOWNLOAD_SLOTS entries (one per host) carrying this site's politeness."""
        slot: dict[str, Any] = {}
        if self.delay is not None:
            slot["delay"] = self.delay
            slot["jitter"] = 0  # a promised delay is a floor: no random share below it
        if self.concurrency is not None:
            slot["concurrency"] = self.concurrency
        hosts = {urlsplit(url).hostname or "" for url in self.sections}
        return {host: dict(slot) for host in sorted(hosts)} if slot else {}


def load_sites(path: Path) -> list[SiteConfig]:
    """Read and check a sites file; ConfigError names the file and what is wrong."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read sites file {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"sites file {path} is not valid TOML: {exc}") from exc
    entries = data.get("site")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"sites file {path} has no [[site]] table")
    return [_site(path, number, entry) for number, entry in enumerate(entries, 1)]


def _site(path: Path, number: int, entry: Any) -> SiteConfig:
    where = f"{path}: site {number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not a table")
    unknown = set(entry) - {"name", "sections", "delay", "concurrency"}
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    sections = entry.get("sections")
    if not isinstance(sections, list) or not sections:
        raise ConfigError(f"{where}: `sections` must be a non-empty list of URLs")
    delay, concurrency = entry.get("delay"), entry.get("concurrency")
    if delay is not None and (not isinstance(delay, int | float) or delay < 0):
        raise ConfigError(f"{where}: `delay` must be a number of seconds ≥ 0")
    if concurrency is not None and (not isinstance(concurrency, int) or concurrency < 1):
        raise ConfigError(f"{where}: `concurrency` must be a whole number ≥ 1")
    return SiteConfig(
        name=str(entry.get("name") or urlsplit(str(sections[0])).hostname),
        sections=tuple(check_start_url(str(url)) for url in sections),
        delay=float(delay) if delay is not None else None,
        concurrency=concurrency,
    )
