"""Extraction cost in CPU instructions, counted by callgrind: a measure this VM's drift cannot move.

Wall-clock timings of ``bench.extract_speed`` swing by a third between runs on a shared VM, which
hides a change worth a few percent. This bench counts the instructions that
``crawler.extract.extract(url, bytes)`` executes per page instead, under valgrind's callgrind,
on the same portal-weight pages of every CMS family. The counts repeat to within about 1% from
run to run, so a change is measured by comparing the working tree with a git revision
(``--against``), each run in its own process on the same pages: imports and compiled patterns
are warmed up first and not counted. An instruction is not a nanosecond (cache misses and
branch mispredictions cost extra), so ``bench.extract_speed`` stays the judge of the 2 ms goal.

Needs valgrind (``apt-get install valgrind``); about a minute and a half per tree. Run:
``.venv/bin/python -m bench.extract_instructions [--against HEAD] [--pages 12]``.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The one C function the counted region runs in: callgrind counts only inside it and writes a
# profile each time it returns (one per family). Nothing in extraction calls reduce() itself.
COUNTED = "functools_reduce"
Page = tuple[str, bytes, str | None]  # url, body, HTTP charset
PROJECT = Path(__file__).resolve().parent.parent


def count(tree: Path, pages_file: Path, folder: Path) -> dict[str, int]:
    """Instructions by family (all its pages), extraction as ``tree`` has it."""
    out = folder / f"callgrind-{tree.name}"
    command = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}.%p",
        "--collect-atstart=no", f"--toggle-collect={COUNTED}", f"--dump-after={COUNTED}",
        sys.executable, str(Path(__file__).resolve()), "--child", str(pages_file),
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"counting in {tree} failed:\n{done.stderr[-2000:]}")
    families = done.stdout.split("\n")[0].split("\t")
    dumps = sorted(folder.glob(f"{out.name}.*.*"), key=lambda p: int(p.suffix[1:]))
    return {f: _total(dump) for f, dump in zip(families, dumps, strict=True)}


def _total(dump: Path) -> int:
    found = re.search(r"^(?:summary|totals):\s*(\d+)", dump.read_text(errors="replace"), re.M)
    if found is None:
        raise SystemExit(f"no instruction total in {dump}")
    return int(found.group(1))


def child(pages_file: Path) -> None:
    """Under callgrind: warm up, then extract each family's pages inside one reduce() call."""
    from functools import reduce

    from crawler.extract import extract

    families: dict[str, list[Page]] = pickle.loads(pages_file.read_bytes())
    print("\t".join(families), flush=True)
    for pages in families.values():
        for url, body, charset in pages[:3]:
            extract(url, body, http_charset=charset)

    def one(done: int, page: Page) -> int:
        extract(page[0], page[1], http_charset=page[2])
        return done + 1

    for pages in families.values():
        reduce(one, pages, 0)


def baseline_tree(revision: str, folder: Path) -> Path:
    tree = folder / "baseline"
    subprocess.run(["git", "-C", str(PROJECT), "worktree", "add", "--detach", "-q", str(tree),
                    revision], check=True)  # fmt: skip
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", metavar="REV", help="git revision to compare with")
    parser.add_argument("--pages", type=int, default=12, help="pages per family (default 12)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    from bench.extract_speed import page_sets

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sets = {family: pages[: args.pages] for family, pages in page_sets(folder).items()}
        pages_file = folder / "pages.pickle"
        pages_file.write_bytes(pickle.dumps(sets))
        base = baseline_tree(args.against, folder) if args.against else None
        try:
            ours = _per_page(count(PROJECT, pages_file, folder), sets)
            theirs = _per_page(count(base, pages_file, folder), sets) if base is not None else {}
        finally:
            if base is not None:
                subprocess.run(["git", "-C", str(PROJECT), "worktree", "remove", "--force",
                                str(base)], check=False)  # fmt: skip
        _print_table(sets, ours, theirs, args.against)


def _per_page(totals: dict[str, int], sets: dict[str, list[Page]]) -> dict[str, float]:
    return {family: total / len(sets[family]) for family, total in totals.items()}


def _print_table(
    sets: dict[str, list[Page]],
    ours: dict[str, float],
    theirs: dict[str, float],
    against: str | None,
) -> None:
    print(f"million instructions per page, callgrind, {next(iter(map(len, sets.values())))} "
          "pages per family\n")  # fmt: skip
    head = f"{'pages':28} {'working tree':>12}"
    print(head + (f" {against[:12]:>12} {'ratio':>6}" if against else ""))
    for family in sets:
        line = f"{family:28} {ours[family] / 1e6:12.2f}"
        if against:
            line += f" {theirs[family] / 1e6:12.2f} {ours[family] / theirs[family]:6.3f}"
        print(line)


if __name__ == "__main__":
    main()
