"""``simsim rerun`` on designs: the design point is not an outcome, and designed inputs are not claimed checked."""

from __future__ import annotations

import simsim
from simsim.cli import main
from simsim.designs import sobol, sweep
from tests.designs.test_designs import linear  # noqa: F401 - the fixture


def _section(text: str, title: str) -> list[str]:
    lines = text.split(f"\n{title}", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return [line.split()[0] for line in lines if line.strip()]


def test_rerun_of_a_sweep_lists_the_point_apart_from_the_outcomes(linear, tmp_path, capsys):  # noqa: F811
    sweep(linear, {"parameters.b": [1, 5]}, replications=4, seed=2, settings=simsim.RunSettings(out=tmp_path / "s"))
    assert main(["rerun", str(tmp_path / "s"), "6"]) == 0
    text = capsys.readouterr().out
    assert "Design point 1 of the sweep" in text and "parameters.b" in text
    outcomes = _section(text, "Outcomes")
    assert outcomes == ["y", "hit"]  # not point, not sweep.*
    assert "inputs drawn again from the seed" in text


def test_rerun_of_a_sobol_run_names_its_row_and_does_not_claim_its_inputs(linear, tmp_path, capsys):  # noqa: F811
    sobol(linear, base_samples=4, replications=3, seed=3, settings=simsim.RunSettings(out=tmp_path / "o"))
    assert main(["rerun", str(tmp_path / "o"), "7"]) == 0
    text = capsys.readouterr().out
    # run 7 with 3 replications per row: row 7 // 3 = 2, the replication with i = 7 % 3 = 1, the 2nd of 3
    assert "Design row 2, replication 2 of 3 of the sobol design" in text
    assert "its inputs were read from the stored run, not drawn again, so they are not checked" in text
    assert "(inputs," not in text
