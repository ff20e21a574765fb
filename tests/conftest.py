"""Shared fixtures: fixture sites served over real HTTP on 127.0.0.1, and a crawl runner."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from crawler.demo.families import FamilySpec, build_family_site
from crawler.demo.server import SiteServer, serve
from crawler.demo.site import BuiltSite, SiteSpec, build_site
from crawler.shared.local_redis import LocalRedis, local_redis, redis_server_binary

ROOT = Path(__file__).resolve().parent.parent
CRAWL_TIMEOUT = 180  # seconds; a crawl of a fixture site takes about one


@dataclass
class ServedSite:
    site: BuiltSite
    server: SiteServer

    @property
    def start_url(self) -> str:
        return self.server.url + self.site.start_path

    def url(self, path: str) -> str:
        return self.server.url + path


@pytest.fixture
def served_site(tmp_path: Path) -> Iterator[Callable[..., ServedSite]]:
    """Factory: build a site from a SiteSpec (yun300) or a FamilySpec (another CMS family)
    under tmp_path and serve it on 127.0.0.1:0."""
    with ExitStack() as stack:
        count = 0

        def make(spec: SiteSpec | FamilySpec | None = None) -> ServedSite:
            nonlocal count
            count += 1
            root = tmp_path / f"site{count}"
            if isinstance(spec, FamilySpec):
                site = build_family_site(root, spec)
            else:
                site = build_site(root, spec)
            return ServedSite(site, stack.enter_context(serve(root)))

        yield make


# Politeness off, for tests that assert what a crawl fetches rather than when (test_politeness.py
# and the default-settings crawl of test_crawl_e2e.py keep the delays).
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


def run_cli(
    *args: str, cwd: Path, timeout: int = CRAWL_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """Run ``partyfield ARGS`` in a subprocess (a crawl needs a fresh Twisted reactor)."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Poll ``condition`` (an archive another process is writing) until it holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except sqlite3.Error:
            pass  # the database is being created
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def _redis_binary() -> str:
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    return binary


@pytest.fixture(scope="session")
def redis_server() -> Iterator[int]:
    """A real redis-server on a free loopback port, persistence off; its port."""
    with local_redis(_redis_binary()) as server:
        yield server.port


@pytest.fixture
def private_redis() -> Iterator[LocalRedis]:
    """A redis-server of one test's own (one it may kill)."""
    with local_redis(_redis_binary()) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: int) -> str:
    """The URL of an emptied database of the test Redis."""
    redis.Redis(port=redis_server).flushall()
    return f"redis://127.0.0.1:{redis_server}/0"
