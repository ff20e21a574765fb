"""A site's own delay is a floor in every configuration: measured at the fixture server."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest

from crawler.demo.site import SiteSpec
from tests.conftest import ServedSite, run_cli

SiteFactory = Callable[..., ServedSite]
PROMISED = 0.4  # seconds between requests, as the sites file says


@pytest.mark.parametrize("autothrottle", ["True", "False"])
def test_sites_file_delay_holds_with_and_without_autothrottle(
    served_site: SiteFactory, tmp_path: Path, autothrottle: str
) -> None:
    served = served_site(SiteSpec(article_count=7, page_size=4))
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nsections = ["{served.start_url}"]\ndelay = {PROMISED}\nconcurrency = 2\n',
        "utf-8",
    )
    result = run_cli("crawl", "--sites", str(sites), "--db", str(tmp_path / "p.db"),
                     "-s", f"AUTOTHROTTLE_ENABLED={autothrottle}",
                     "-s", "AUTOTHROTTLE_START_DELAY=0", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    arrivals = served.server.log.arrivals("/")[1:]  # after robots.txt
    assert len(arrivals) >= 9  # page 1, a list.do page, 7 articles
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    assert min(gaps) >= PROMISED * 0.9, gaps  # (request start to arrival varies by a few ms)
