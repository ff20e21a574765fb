"""The partyfield command as an unattended job meets it: settings checked before a crawl, one
line per failure, prompt stops, and the small conveniences a user looks for."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.demo.site import SiteSpec
from crawler.store import Archive
from tests.conftest import FAST, ROOT, ServedSite, run_cli
from tests.test_search import build_archive

SiteFactory = Callable[..., ServedSite]


def test_version(tmp_path: Path) -> None:
    result = run_cli("--version", cwd=tmp_path, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == "partyfield 0.1.0"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("DOWNLOAD_DELAY=abc", "-s DOWNLOAD_DELAY=abc: expected a number"),
        (
            "CONCURRENT_REQUESTS_PER_DOMAIN=0",
            "-s CONCURRENT_REQUESTS_PER_DOMAIN=0: must be at least 1",
        ),
        ("RETRY_TIMES=two", "-s RETRY_TIMES=two: expected a whole number"),
        ("PARTYFIELD_MAX_ERROR_RATIO=2", "-s PARTYFIELD_MAX_ERROR_RATIO=2: must be from 0 to 1"),
        ("AUTOTHROTTLE_ENABLED=maybe", "-s AUTOTHROTTLE_ENABLED=maybe: expected true or false"),
    ],
)
def test_bad_setting_values_stop_before_the_crawl(
    tmp_path: Path, setting: str, message: str
) -> None:
    db = tmp_path / "p.db"
    result = run_cli("crawl", "http://127.0.0.1:9/news/12/", "--db", str(db), "-s", setting,
                     cwd=tmp_path, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == f"partyfield: {message}"
    assert not db.exists()  # no run was started


def test_misspelled_settings_are_warned_with_a_suggestion(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=2))
    result = run_cli("crawl", served.start_url, "--db", str(tmp_path / "p.db"), *FAST,
                     "-s", "DOWNLOAD_DELAYY=1", "-s", "PARTYFIELD_RETRY_PAUS=1", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        "partyfield: warning: -s DOWNLOAD_DELAYY: no Scrapy or partyfield setting has this name; "
        "did you mean DOWNLOAD_DELAY?" in result.stderr
    )
    assert (
        "no partyfield setting has this name; did you mean PARTYFIELD_RETRY_PAUSE?" in result.stderr
    )


def test_a_refused_connection_is_one_line_on_stderr(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/news/12/"
    result = run_cli("crawl", url, "--db", str(tmp_path / "p.db"),
                     "-s", "PARTYFIELD_RETRY_PAUSE=0", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert [line.split(" ", 2)[2] for line in lines[:-1]] == [
        f"WARNING crawler.store: recorded fetch error for {url}: connection refused"
    ]
    assert lines[-1] == "partyfield: run 1 failed: 1 page failed, 0 archived"


def test_ctrl_c_stops_within_seconds_and_the_run_can_resume(
    served_site: SiteFactory, tmp_path: Path
) -> None:
    served = served_site(SiteSpec(article_count=8, page_size=4, response_delay=30))
    db = tmp_path / "p.db"
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", served.start_url, "--db", str(db)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not served.server.log.paths("/comp/") and time.monotonic() < deadline:
        time.sleep(0.1)  # until page 2 of the list is read: article requests are in flight
    time.sleep(1.5)  # (the server holds each 30 s)
    crawl.send_signal(signal.SIGINT)
    stopped_at = time.monotonic()
    _out, err = crawl.communicate(timeout=30)
    assert time.monotonic() - stopped_at < 5
    assert crawl.returncode == 1
    assert "--resume" in err and "Traceback" not in err
    archive = Archive.open(db)
    assert archive.recent_runs(1)[0]["status"] == "interrupted"
    assert not archive.db.table("errors").count  # pages cut off by the stop are no failures
    archive.close()


def test_search_takes_unquoted_terms_and_a_site_with_port(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    build_archive(db).close()
    quoted = run_cli("search", "安全 會議", "--db", str(db), "--json", cwd=tmp_path, timeout=60)
    unquoted = run_cli(
        "search", "安全", "會議", "--db", str(db), "--json", cwd=tmp_path, timeout=60
    )
    assert unquoted.returncode == 0, unquoted.stderr
    assert unquoted.stdout == quoted.stdout and '"url"' in unquoted.stdout
    with_port = run_cli("search", "安全", "--site", "www.a-mining.cn:8080", "--db", str(db),
                        "--json", cwd=tmp_path, timeout=60)  # fmt: skip
    bare = run_cli("search", "安全", "--site", "www.a-mining.cn", "--db", str(db), "--json",
                   cwd=tmp_path, timeout=60)  # fmt: skip
    assert with_port.stdout == bare.stdout and "www.a-mining.cn" in bare.stdout


def test_runs_show_lists_every_url_of_a_run(served_site: SiteFactory, tmp_path: Path) -> None:
    served = served_site(SiteSpec(article_count=3, flaky_articles={1: 99}))
    db = tmp_path / "p.db"
    run_cli("crawl", served.start_url, "--db", str(db), *FAST, "-s", "PARTYFIELD_RETRY_PAUSE=0",
            cwd=tmp_path)  # fmt: skip
    result = run_cli("runs", "--show", "1", "--db", str(db), cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("run 1 ok: 2 new, 0 updated, 0 unchanged, 0 not refetched")
    assert sorted(lines[1:]) == sorted(
        [
            f"  new      {served.url(p)}"
            for p in served.site.linked_paths
            if p != served.site.linked_paths[1]
        ]
        + [f"  fetch    {served.url(served.site.linked_paths[1])}  HTTP 503"]
    )
    missing = run_cli("runs", "--show", "9", "--db", str(db), cwd=tmp_path, timeout=60)
    assert missing.returncode == 2 and "no run 9" in missing.stderr


def test_demo_serve_serves_the_site_until_ctrl_c(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "demo", "--serve", "--port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert demo.stdout is not None
    first = demo.stdout.readline()
    assert first.startswith("serving the sample site at http://127.0.0.1:")
    url = first.split(" at ", 1)[1].split()[0]
    assert "crawl " + url in demo.stdout.readline()
    with urllib.request.urlopen(url, timeout=10) as page:
        assert "c_portalResNews_list-" in page.read().decode("utf-8")
    second = demo.stdout.readline()
    front_page = second.split(" at ", 1)[1].split(";")[0]
    assert "discover " + front_page in demo.stdout.readline()
    found = run_cli("discover", front_page, cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert "\t党建工作\tvsb" in found.stdout
    demo.send_signal(signal.SIGINT)
    demo.communicate(timeout=10)
    assert demo.returncode == 0
