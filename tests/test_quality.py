"""Lint and types are part of the suite: ruff clean, ruff-formatted, mypy on everything (strict
on the pure core)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_ruff_clean() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout


def test_ruff_formatted() -> None:
    result = _run("ruff", "format", "--check", "crawler", "tests", "bench")
    assert result.returncode == 0, result.stdout


def test_mypy() -> None:
    result = _run("mypy", "crawler", "bench", "tests")
    assert result.returncode == 0, result.stdout


def test_no_spider_callback_returns_a_value() -> None:
    """settings.py turns off Scrapy's own check (it re-read each callback's source once per
    page): a generator callback that returns a value would lose that value silently."""
    import inspect

    from scrapy.utils.misc import is_generator_with_return_value

    from crawler.shared.spiders import SharedPartySpider, WorkerSpider
    from crawler.spiders.discover import DiscoverSpider
    from crawler.spiders.party import PartySpider

    checked = []
    for spider in (PartySpider, DiscoverSpider, SharedPartySpider, WorkerSpider):
        for name, function in inspect.getmembers(spider, inspect.isgeneratorfunction):
            if function.__module__.startswith("crawler."):
                checked.append(name)
                assert not is_generator_with_return_value(function), f"{spider.__name__}.{name}"
    assert {"parse_section", "parse_list_page", "parse_detail", "parse_front"} <= set(checked)
