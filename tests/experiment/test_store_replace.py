"""Replacing the results in an --out folder: the figures of the earlier results go with them;
files simsim did not write are never deleted silently."""

from __future__ import annotations

from simsim.cli import main
from simsim.experiment.store import FIGURES


def _run(out, seed, *extra):
    return main(["run", "mongolia_icc_2024", "-n", "10", "--seed", str(seed), "--out", str(out), "--quiet", *extra])


def test_replacing_results_removes_the_figures_drawn_from_them(tmp_path):
    out = tmp_path / "res"
    assert _run(out, 1, "--no-plot") == 0
    for name in FIGURES:  # as `simsim sensitivity`, `convergence`, `design`, `plot` would leave them
        (out / name).write_bytes(b"figure of the earlier results")
    (out / "notes.txt").write_text("a user's file next to the results")
    assert _run(out, 2, "--no-plot") == 0
    # every figure of seed 1's results is gone; nothing simsim did not name is touched
    assert [n for n in FIGURES if (out / n).exists()] == []
    assert (out / "notes.txt").read_text() == "a user's file next to the results"


def test_a_new_folder_keeps_a_users_figure_of_the_same_name(tmp_path):
    # no earlier results in the folder: nothing is being replaced, so nothing is removed
    out = tmp_path / "res"
    out.mkdir()
    (out / "sensitivity.png").write_bytes(b"mine")
    assert _run(out, 1, "--no-plot") == 0
    assert (out / "sensitivity.png").read_bytes() == b"mine"


def test_a_users_file_inside_the_tables_is_refused_not_deleted(tmp_path, capsys):
    out = tmp_path / "res"
    assert _run(out, 1, "--no-plot") == 0
    before = sorted(p.name for p in (out / "runs.parquet").iterdir())
    (out / "runs.parquet" / "mine.csv").write_text("precious")
    capsys.readouterr()
    assert _run(out, 2, "--no-plot") == 2
    err = capsys.readouterr().err
    assert "mine.csv" in err and "did not write" in err and "--out" in err and "Traceback" not in err
    assert (out / "runs.parquet" / "mine.csv").read_text() == "precious"
    # the earlier results are untouched: refused before anything was removed
    assert sorted(p.name for p in (out / "runs.parquet").iterdir()) == sorted([*before, "mine.csv"])
    assert (out / "metadata.json").is_file()


def test_results_save_follows_the_same_rules(tmp_path):
    import pytest

    import simsim
    from simsim.errors import ResultsError

    res = simsim.run("mongolia_icc_2024", replications=5, seed=1)
    out = tmp_path / "saved"
    res.save(out)
    (out / "outcomes.png").write_bytes(b"figure of the earlier results")
    res.save(out)
    assert not (out / "outcomes.png").exists()
    (out / "runs.parquet").unlink()  # a single-file table, as save writes it: make it a folder with a user file
    (out / "runs.parquet").mkdir()
    (out / "runs.parquet" / "mine.csv").write_text("precious")
    with pytest.raises(ResultsError, match="mine.csv"):
        res.save(out)
    assert (out / "runs.parquet" / "mine.csv").read_text() == "precious"
