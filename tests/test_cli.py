"""The CLI as a user meets it: the offline demo, help texts, and docs that cover every command."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from crawler import settings
from crawler.arguments import build_parser
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text("utf-8")


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def test_demo_serves_and_archives_the_sample_site(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = run_cli("demo", "--db", str(db), "--port", "0", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "49 new" in result.stdout and "sqlite-utils" in result.stdout
    with sqlite3.connect(db) as conn:
        sections = dict(conn.execute("select section, count(*) from articles group by section"))
        glossed = conn.execute(
            "select count(*) from articles where title glob '*(*[a-z]*)*'"
        ).fetchone()[0]
    # the yun300 portal: 24 articles and a notice that is only a PDF; the VSB site: 24
    assert sections == {"黨群園地": 25, "党建工作": 24} and glossed == 0


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_is_documented_and_has_help(command: str) -> None:
    assert re.search(rf"partyfield {command}\b", README), f"README lacks `partyfield {command}`"
    result = run_cli(command, "--help", cwd=ROOT, timeout=60)
    assert result.returncode == 0 and "usage:" in result.stdout


@pytest.mark.parametrize(
    "name", [n for n in dir(settings) if n.startswith("PARTYFIELD_") or n == "ARCHIVE_DB"]
)
def test_every_partyfield_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in README
    assert "PARTYFIELD_DB" in README


def test_missing_command_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path, timeout=60)
    assert result.returncode == 2


def test_ci_runs_the_readme_test_command() -> None:
    command = (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
    )
    assert command in README
    assert command in (ROOT / ".ci" / "run").read_text("utf-8")
