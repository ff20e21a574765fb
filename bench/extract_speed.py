"""Extraction speed on portal-weight pages of every CMS family, against trafilatura.

Builds fixture sites with ``portal_weight`` (~90 KB detail pages: head scripts, a mega-menu,
a sidebar, a footer): yun300 in three variants (UTF-8 Traditional, GBK Simplified, Big5 of
the older template generation), then VSB, TRS (GB18030), Hanweb and a plain CMS (GBK). It
times ``crawler.extract.extract(url, bytes)`` — decoding, layout choice, every field, all
cleaning — and trafilatura's ``bare_extraction`` on the same pages (it gets the decoded text,
a head start), in alternating turns of two passes each; the best pass of each counts, since
this VM's speed drifts (the second pass of a turn is the extractor in steady state, not just
after the other one). trafilatura is a bench-only extra: ``.venv/bin/pip install -e '.[bench]'``.

Run: ``.venv/bin/python -m bench.extract_speed [--repeat 4] [--passes 2]``.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crawler.demo.families import FamilySpec, build_family_site
from crawler.demo.site import BuiltSite, SiteSpec, build_site
from crawler.extract import extract
from crawler.extract.decode import decode_html

Page = tuple[str, bytes, str | None]  # url, body, HTTP charset
YUN300 = {
    "yun300 utf-8 Traditional": SiteSpec(portal_weight=True),
    "yun300 gbk Simplified": SiteSpec(portal_weight=True, encoding="gbk", traditional=False),
    "yun300 big5 older": SiteSpec(portal_weight=True, encoding="big5", old_generation=True),
}
FAMILIES = ("vsb", "trs", "hanweb", "generic")


def _pages(root: Path, site: BuiltSite, charset: str | None) -> list[Page]:
    return [(f"http://127.0.0.1{path}", (root / path.lstrip("/")).read_bytes(), charset)
            for path in site.expected]  # fmt: skip


def page_sets(folder: Path) -> dict[str, list[Page]]:
    """Pages by variant name."""
    found: dict[str, list[Page]] = {}
    for number, (name, spec) in enumerate(YUN300.items()):
        root = folder / f"y{number}"
        found[name] = _pages(root, build_site(root, spec), spec.encoding)
    for family in FAMILIES:
        root = folder / family
        site = build_family_site(root, FamilySpec(family=family, portal_weight=True))
        found[family] = _pages(root, site, None)
    return found


def best_seconds(
    runners: list[Callable[[], object]], repeat: int, passes_per_turn: int = 1
) -> list[float]:
    """The best pass of each runner over ``repeat`` rounds; in a round each runner takes its
    turn of ``passes_per_turn`` passes in a row, so that with 2 a turn's second pass shows
    the runner in steady state rather than just after the other one's (whose memory it
    finds freed and cold)."""
    for run in runners:
        run()  # warm-up: caches, the compiled gloss regex
    best = [float("inf")] * len(runners)
    for _ in range(repeat):
        for index, run in enumerate(runners):
            for _pass in range(passes_per_turn):
                gc.collect()
                start = time.perf_counter()
                run()
                best[index] = min(best[index], time.perf_counter() - start)
    return best


def _reference() -> Callable[..., object] | None:
    """trafilatura's ``bare_extraction``, when the bench extra is installed."""
    try:
        from trafilatura import bare_extraction
    except ImportError:
        print("trafilatura is not installed: pip install -e '.[bench]' for the reference line")
        return None
    extractor: Callable[..., object] = bare_extraction  # typed here: the extra may be absent
    return extractor


def _runner(extractor: Callable[..., object], texts: list[tuple[str, str]]) -> Callable[[], None]:
    def run() -> None:
        for url, text in texts:
            extractor(text, url=url)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=4, help="rounds (default 4)")
    parser.add_argument(
        "--passes", type=int, default=2, help="passes in a row per turn (default 2)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sets = page_sets(Path(folder))
    reference = _reference()
    print(f"best of {args.repeat} rounds of {args.passes} passes in a row, one core\n")
    print(f"{'pages':26} {'n':>4} {'KB':>4} {'ours ms':>8} {'trafilatura ms':>15} {'faster':>7}")
    for name, pages in sets.items():
        size = sum(len(body) for _u, body, _c in pages) / len(pages) / 1024

        def ours(pages: list[Page] = pages) -> None:
            for url, body, charset in pages:
                extract(url, body, http_charset=charset)

        runners: list[Callable[[], object]] = [ours]
        if reference is not None:
            texts = [(url, decode_html(body, http_charset=c)) for url, body, c in pages]
            runners.append(_runner(reference, texts))
        best = best_seconds(runners, args.repeat, args.passes)
        seconds = [t / len(pages) * 1000 for t in best]
        theirs = f"{seconds[1]:15.2f} {seconds[1] / seconds[0]:6.1f}x" if len(seconds) > 1 else ""
        print(f"{name:26} {len(pages):4} {size:4.0f} {seconds[0]:8.2f} {theirs}")


if __name__ == "__main__":
    main()
