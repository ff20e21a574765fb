"""Pages read in an extraction process (crawler.offload): the same readings as in the crawl's
own process, a child that dies costs no page, and a crawl stores the same archive either way."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crawler.demo.families import FamilySpec
from crawler.demo.site import SiteSpec, build_site
from crawler.errors import ExtractError
from crawler.extract import ARTICLE_PAGE, SECTION_PAGE, PageRead
from crawler.items import Article
from crawler.offload import Extractors
from crawler.reading import Reading, reading
from tests.conftest import FAST, ServedSite, run_cli
from tests.test_crawl_e2e import archived, assert_archive_matches

URL = "http://www.example-mining.cn"
NOT_DECODABLE = b"<html><head><meta charset='utf-8'></head><body>" + bytes(range(128, 256)) * 40


def pages(root: Path) -> list[tuple[PageRead, str, bytes]]:
    """A section's first page, an article, a page that is no article, one no charset reads."""
    site = build_site(root, SiteSpec())
    detail = site.linked_paths[0]
    return [
        (SECTION_PAGE, URL + site.start_path, (root / site.start_path[1:] / "index.html").read_bytes()),
        (ARTICLE_PAGE, URL + detail, (root / detail[1:]).read_bytes()),
        (ARTICLE_PAGE, URL + "/about.html", b"<html><body><p>about us</p></body></html>"),
        (ARTICLE_PAGE, URL + "/broken.html", NOT_DECODABLE),
    ]  # fmt: skip


async def opened_and_ready(processes: int = 1) -> Extractors:
    """Extractors whose children all said they are ready (they read pages from then on)."""
    extractors = Extractors(processes)
    await extractors.open()
    while not all(child.ready for child in extractors.children):
        await asyncio.sleep(0.05)
    return extractors


async def read_all(
    extractors: Extractors, page_list: list[tuple[PageRead, str, bytes]]
) -> list[Reading]:
    return await asyncio.gather(*(extractors.read(how, url, body, None)
                                  for how, url, body in page_list))  # fmt: skip


def test_a_child_reads_each_page_as_the_crawl_process_does(tmp_path: Path) -> None:
    page_list = pages(tmp_path / "site")
    expected = [reading(how, url, body, None) for how, url, body in page_list]

    async def in_child() -> tuple[list[Reading], int]:
        extractors = await opened_and_ready()
        try:
            return await read_all(extractors, page_list), extractors.next_job
        finally:
            await extractors.close()

    got, sent = asyncio.run(in_child())
    assert sent == len(page_list)  # every page went to the child
    assert got == expected
    assert expected[0].value is not None and expected[1].value is not None  # a list, an article
    assert expected[2] == Reading(None)  # not an article
    with pytest.raises(ExtractError, match="undecodable"):
        expected[3].result()


def test_pages_of_a_child_that_died_are_read_in_the_crawl_process(tmp_path: Path) -> None:
    page_list = pages(tmp_path / "site")
    expected = [reading(how, url, body, None) for how, url, body in page_list]

    async def child_killed() -> tuple[list[Reading], int | None]:
        extractors = await opened_and_ready()
        child = extractors.children[0]
        child.process.kill()
        child.process.wait()
        try:
            return await read_all(extractors, page_list), child.process.returncode
        finally:
            await extractors.close()

    got, returncode = asyncio.run(child_killed())
    assert returncode is not None and returncode < 0  # it really was killed
    assert got == expected


def test_pages_that_arrive_before_a_child_is_ready_are_read_at_once(tmp_path: Path) -> None:
    page_list = pages(tmp_path / "site")
    expected = [reading(how, url, body, None) for how, url, body in page_list]

    async def child_starting() -> tuple[list[Reading], int, bool]:
        extractors = Extractors(1)
        await extractors.open()  # the child takes a second to import and compile
        try:
            got = await read_all(extractors, page_list)
            return got, extractors.next_job, extractors.children[0].ready
        finally:
            await extractors.close()

    got, sent, ready = asyncio.run(child_starting())
    assert (sent, ready) == (0, False)  # read here: a small crawl never waits for the child
    assert got == expected


_READ_WHILE_THE_CHILD_STARTS = """
import asyncio, json, sys
from crawler.extract import ARTICLE_PAGE
from crawler.offload import Extractors
from crawler.text.gloss import one_char_gloss_regex

async def main():
    extractors = Extractors(1)
    await extractors.open()
    try:
        read = await extractors.read(ARTICLE_PAGE, sys.argv[1], open(sys.argv[2], "rb").read(), None)
        return read.result().title, extractors.children[0].ready
    finally:
        await extractors.close()

title, ready = asyncio.run(main())
json.dump([title, ready, one_char_gloss_regex.cache_info().currsize], sys.stdout)
"""


def test_pages_read_while_the_child_starts_do_not_compile_the_gloss_pass(
    tmp_path: Path,
) -> None:
    # Compiling it here would cost the crawl a second while the child builds its own; a fresh
    # process, since this one may have built it already.
    article = pages(tmp_path / "site")[1]
    expected = reading(*article, None).result()
    assert isinstance(expected, Article) and "(" not in expected.title
    saved = tmp_path / "a.html"
    saved.write_bytes(article[2])
    args = [sys.executable, "-c", _READ_WHILE_THE_CHILD_STARTS, article[1], str(saved)]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    title, ready, built = json.loads(done.stdout)
    assert (title, ready, built) == (expected.title, False, 0)


def test_a_crash_of_the_parsers_is_an_extract_error() -> None:
    with pytest.raises(ExtractError) as raised:
        Reading(crash="TypeError: boom").result()
    assert (raised.value.stage, raised.value.reason) == ("extract", "TypeError: boom")


@pytest.mark.parametrize("spec", [SiteSpec(), FamilySpec(family="vsb")], ids=["yun300", "vsb"])
def test_the_archive_is_the_same_whether_pages_are_read_in_a_child_or_not(
    spec: SiteSpec | FamilySpec, served_site: Callable[..., ServedSite], tmp_path: Path
) -> None:
    served = served_site(spec)
    rows = {}
    for processes in (0, 1):
        db = tmp_path / f"{processes}.db"
        setting = f"PARTYFIELD_EXTRACT_PROCESSES={processes}"
        result = run_cli("crawl", served.start_url, "--db", str(db), *FAST, "-s", setting,
                         cwd=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert_archive_matches(db, served)
        rows[processes] = {url: _content(row) for url, row in archived(db).items()}
    assert rows[0] == rows[1]


def _content(row: dict[str, object]) -> dict[str, object]:
    """An article row without what differs between two crawls (times, capture ids)."""
    varying = {"first_seen_at", "last_seen_at", "last_changed_at", "capture_id"}
    return {name: value for name, value in row.items() if name not in varying}
