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
