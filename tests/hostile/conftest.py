"""Helpers of the hostile corpus: run the CLI in-process and check the shape of its failure."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

from tests.conftest import MINIMAL


def cli(argv: list[str]) -> tuple[int, str, str]:
    """Run ``simsim argv`` in this process; return (exit code, stdout, stderr)."""
    from simsim.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def assert_bad_input(code: int, err: str, *, where: str | None = None, fragment: str | None = None) -> None:
    """Exit code 2, no traceback, one message (a file's problems listed under it, each located)."""
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if lines and lines[0].startswith("usage:"):  # argparse prints its usage first
        lines = lines[next(i for i, ln in enumerate(lines) if ln.startswith("simsim: error:")):]
    assert lines, "no message"
    head, rest = lines[0], lines[1:]
    assert head.startswith(("simsim: error:", "error:")), err
    for ln in rest:  # only the problems of a multi-problem error follow, each "file[:line]: key: message"
        assert re.match(r"^  \S.*?(:\d+)?: ", ln), err
    if where is not None:
        assert where in head, err
    if fragment is not None:
        assert fragment in err, err


def files_under(root: Path) -> set[Path]:
    """Every file and folder below ``root``."""
    return {p for p in root.rglob("*")}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch) -> Path:
    """Run in an empty working folder (to see any file written outside --out)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory) -> Path:
    """A small valid results folder of the minimal scenario (30 runs)."""
    import simsim

    d = tmp_path_factory.mktemp("results")
    scn_path = d / "tiny.yaml"
    scn_path.write_text(MINIMAL)
    res = simsim.run(simsim.load_scenario(scn_path), replications=30, seed=4, jobs=1)
    return res.save(d / "tiny")


@pytest.fixture(scope="session")
def other_results_dir(tmp_path_factory) -> Path:
    """A results folder of another scenario (different outcomes)."""
    import simsim

    d = tmp_path_factory.mktemp("other")
    res = simsim.run(simsim.load_scenario("nuclear_arms_race"), replications=10, seed=4, jobs=1)
    return res.save(d / "other")


def copy_results(src: Path, dst: Path) -> Path:
    """A copy of a results folder to damage."""
    import shutil

    shutil.copytree(src, dst)
    return dst


__all__ = ["assert_bad_input", "cli", "copy_results", "files_under", "os"]
