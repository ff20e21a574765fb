"""Shared fixtures: fixture sites served over real HTTP on 127.0.0.1, and a crawl runner."""

from __future__ import annotations

import shutil
import socket
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def redis_server() -> Iterator[int]:
    """A real redis-server on a free loopback port, persistence off; its port."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    wait_for(lambda: _answers(client), timeout=10)
    yield port
    process.terminate()
    process.wait(timeout=10)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@pytest.fixture
def redis_url(redis_server: int) -> str:
    """The URL of an emptied database of the test Redis."""
    redis.Redis(port=redis_server).flushall()
    return f"redis://127.0.0.1:{redis_server}/0"
