"""Extraction speed on portal-weight yun300 pages, against trafilatura's ``bare_extraction``.

Builds the fixture site with ``portal_weight`` (~90 KB detail pages: head scripts, a mega-menu,
a sidebar, a footer) in three variants (UTF-8 Traditional, GBK Simplified, Big5 of the older
template generation), then times ``crawler.extract.extract(url, bytes)`` — decoding, layout
choice, every field, all cleaning — and trafilatura on the same pages (it gets the decoded
text, a head start), in alternating passes; the best pass of each counts, since this VM's
speed drifts. trafilatura is a bench-only extra: ``.venv/bin/pip install -e '.[bench]'``.

Run: ``.venv/bin/python -m bench.extract_speed [--repeat 5]``.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crawler.demo.site import SiteSpec, build_site
from crawler.extract import extract
from crawler.extract.decode import decode_html

VARIANTS = {
    "utf-8, Traditional": SiteSpec(portal_weight=True),
    "gbk, Simplified": SiteSpec(portal_weight=True, encoding="gbk", traditional=False),
    "big5, older generation": SiteSpec(portal_weight=True, encoding="big5", old_generation=True),
}
Page = tuple[str, bytes, str]  # url, body, charset


def pages(folder: Path) -> list[Page]:
    found = []
    for number, (name, spec) in enumerate(VARIANTS.items()):
        site = build_site(folder / str(number), spec)
        for path in site.expected:
            body = (folder / str(number) / path.lstrip("/")).read_bytes()
            found.append((f"http://127.0.0.1{path}", body, spec.encoding))
        print(f"{name}: {len(site.expected)} pages")
    return found


def best_seconds(runners: list[Callable[[], object]], repeat: int) -> list[float]:
    for run in runners:
        run()  # warm-up: caches, the compiled gloss regex
    best = [float("inf")] * len(runners)
    for _ in range(repeat):
        for index, run in enumerate(runners):
            gc.collect()
            start = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = pages(Path(folder))
    size = sum(len(body) for _u, body, _c in corpus) / len(corpus) / 1024

    def ours() -> None:
        for url, body, charset in corpus:
            extract(url, body, http_charset=charset)

    runners: list[Callable[[], object]] = [ours]
    names = ["partyfield extract()"]
    try:
        from trafilatura import bare_extraction
    except ImportError:
        print("trafilatura is not installed: pip install -e '.[bench]' for the reference line")
    else:
        texts = [(url, decode_html(body, http_charset=charset)) for url, body, charset in corpus]

        def reference() -> None:
            for url, text in texts:
                bare_extraction(text, url=url)

        runners.append(reference)
        names.append("trafilatura bare_extraction()")
    seconds = best_seconds(runners, args.repeat)
    print(f"\n{len(corpus)} pages, {size:.0f} KB on average; best of {args.repeat} passes\n")
    print(f"{'extractor':32} {'ms/page':>8} {'pages/s':>8} {'vs ours':>8}")
    for name, total in zip(names, seconds, strict=True):
        per_page = total / len(corpus)
        print(f"{name:32} {per_page * 1000:8.2f} {1 / per_page:8.0f} {total / seconds[0]:7.1f}x")


if __name__ == "__main__":
    main()
