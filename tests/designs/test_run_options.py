"""``simsim run`` options that conflict with a scenario's experiment: section are errors, not silently dropped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import simsim
from simsim.cli import main
from simsim.designs.salib import check_size
from simsim.model import design_of

SWEEP = """\
extends: mongolia_icc_2024
name: opt_sweep
observed: null
experiment:
  design: sweep
  replications: 10
  factors:
    parameters.rationality: {values: [1, 3]}
"""
SOBOL = """\
extends: mongolia_icc_2024
name: opt_sobol
observed: null
experiment: {design: sobol, base_samples: 2, replications: 2}
"""


def _file(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def k() -> int:
    """Uncertain inputs of the flagship (the design's dimension)."""
    return len(design_of(simsim.load_scenario("mongolia_icc_2024")).uncertain)


@pytest.mark.parametrize("sampling", ["lhs", "random", "sobol", "morris"])
def test_sampling_on_a_sweep_is_a_located_error(tmp_path, capsys, sampling):
    path = _file(tmp_path, SWEEP, "sweep")
    out = tmp_path / "out"
    assert main(["run", str(path), "--sampling", sampling, "-n", "90", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    # line 5 is `design: sweep` in SWEEP
    assert f"{path}:5: experiment.design: --sampling {sampling}" in err
    assert "already chooses design 'sweep'" in err
    assert not out.exists()


def test_another_design_on_a_sobol_file_says_the_designs_conflict(tmp_path, capsys):
    path = _file(tmp_path, SOBOL, "sobol")
    assert main(["run", str(path), "--sampling", "morris", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "the two designs conflict" in err and "sobol" in err and "needs its size" not in err


def test_n_on_a_sobol_design_must_equal_its_size(tmp_path, capsys, k):
    path = _file(tmp_path, SOBOL, "sobol")
    runs = 2 * (k + 2) * 2  # base_samples x (k + 2) x replications (Saltelli's scheme without second order)
    assert main(["run", str(path), "-n", "100", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"base_samples 2 x ({k} inputs + 2) x 2 replications = {runs} runs" in err
    assert f"give -n {runs}" in err and "experiment.base_samples" in err
    assert not (tmp_path / "o").exists()
    # the design's own size is accepted
    assert main(["run", str(path), "-n", str(runs), "--seed", "1", "--out", str(tmp_path / "ok"), "--no-plot",
                 "--no-timeseries", "--quiet"]) == 0
    assert len(simsim.Results.load(tmp_path / "ok")) == runs


def test_set_on_a_swept_path_is_an_error_naming_the_factor(tmp_path, capsys):
    path = _file(tmp_path, SWEEP, "sweep")
    for expr in ("parameters.rationality=3", "parameters.rationality.value=3"):
        assert main(["run", str(path), "--set", expr, "--out", str(tmp_path / "o")]) == 2
        err = capsys.readouterr().err
        assert f"{path}:8: experiment.factors.parameters.rationality: --set {expr}" in err
        assert "is a factor of this scenario's sweep" in err
    # a path the sweep does not vary is still applied
    assert main(["run", str(path), "--set", "parameters.w_ties=1.5", "--seed", "2", "--out", str(tmp_path / "ok"),
                 "--no-plot", "--no-timeseries", "--quiet"]) == 0
    assert simsim.Results.load(tmp_path / "ok").metadata["scenario_data"]["parameters"]["w_ties"]["value"] == 1.5


def test_sampling_sobol_without_a_section_needs_a_valid_n(tmp_path, capsys, k):
    sc = "mongolia_icc_2024"
    assert main(["run", sc, "--sampling", "sobol", "--out", str(tmp_path / "a")]) == 2
    assert "--sampling sobol needs the design's size" in capsys.readouterr().err
    assert main(["run", sc, "--sampling", "sobol", "-n", "1000", "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    # 1000 / (k + 2) = 22.2 base samples: the powers of 2 around it are 16 and 32
    assert f"{16 * (k + 2)} runs (base_samples 16) or {32 * (k + 2)} (base_samples 32)" in err
    assert str(22 * (k + 2)) not in err  # 22 base samples is no Sobol design
    for n in re.findall(r"(\d+) runs \(base|or (\d+) \(base", err):
        check_size(k, int("".join(n)), "sobol")  # every suggestion is a valid size
    assert main(["run", sc, "--sampling", "morris", "-n", str(k + 1), "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "at least 2 trajectories" in err and "multiple of" not in err and f"{2 * (k + 1)} runs" in err
    assert not any((tmp_path / d).exists() for d in "abc")


def test_a_command_refused_inside_the_run_leaves_no_empty_folder(tmp_path, capsys, monkeypatch):
    import simsim.designs

    def refuse(*args, **kwargs):
        raise simsim.SimsimError("refused")

    monkeypatch.setattr(simsim.designs, "run_experiment", refuse)
    out = tmp_path / "new" / "res"
    assert main(["run", "mongolia_icc_2024", "-n", "5", "--out", str(out)]) == 2
    assert "refused" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()
    kept = tmp_path / "kept"
    (kept / "mine").mkdir(parents=True)  # an existing folder with the user's files stays as it was
    assert main(["run", "mongolia_icc_2024", "-n", "5", "--out", str(kept)]) == 2
    assert sorted(p.name for p in kept.iterdir()) == ["mine"]


def _interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> Path:
    """Run ``args`` to the end but stop before the metadata is written (as a kill would): a resumable folder."""
    from simsim.experiment.store import PartStore

    out = tmp_path / "res"

    def killed(self, *a, **kw):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(PartStore, "finish", killed)
        assert main([*args, "--out", str(out), "--no-plot", "--quiet"]) == 130
    assert (out / "plan.json").is_file() and not (out / "metadata.json").exists()
    return out


@pytest.mark.parametrize("kind", ["plain", "sweep"])
def test_resume_refuses_options_that_differ_from_the_plan(tmp_path, capsys, monkeypatch, kind):
    scenario = "mongolia_icc_2024" if kind == "plain" else str(_file(tmp_path, SWEEP, "sweep"))
    n = "20" if kind == "plain" else "10"
    out = _interrupted(tmp_path, monkeypatch, ["run", scenario, "-n", n, "--seed", "4"])
    for extra, said in ((["--no-timeseries"], "--no-timeseries (it records timeseries)"),
                        (["-n", "7"], f"-n 7 (it has {n} runs{' per point' if kind == 'sweep' else ''})"),
                        (["--seed", "5"], "--seed 5 (it has seed 4)")):
        assert main(["run", scenario, "--resume", str(out), *extra]) == 2
        err = capsys.readouterr().err
        assert said in err and "keeps the settings it started with" in err
    assert (out / "plan.json").is_file()  # untouched
    assert main(["run", scenario, "--resume", str(out), "--no-plot", "--quiet"]) == 0
    res = simsim.Results.load(out)
    assert res.metadata["settings"]["timeseries"] is True and len(res.timeseries) > 0


def test_sweep_header_names_no_none_executor(tmp_path, capsys):
    path = _file(tmp_path, SWEEP, "sweep")
    assert main(["run", str(path), "--seed", "1", "--out", str(tmp_path / "o"), "--no-plot", "--no-timeseries"]) == 0
    text = capsys.readouterr().out
    header = text.splitlines()[1]
    assert "None" not in header and "2 points x 10 runs" in text
    # the pooled summary says its intervals ignore the shared seeds
    assert "every point reuses the same 10 seeds (common random numbers), so they are too narrow" in text


def test_run_shortcuts_win_over_settings():
    # the shortcuts given replace the settings' fields; those not given leave them as they are
    from simsim.experiment import RunSettings
    from simsim.experiment.runner import with_shortcuts

    base = RunSettings(jobs=3, progress=True, executor="serial", out="a")
    s = with_shortcuts(base, 2, "b", None, True)
    assert (s.jobs, str(s.out), s.executor, s.progress) == (2, "b", "serial", False)
    assert with_shortcuts(base, None, None, None, False) == base


def test_designs_take_run_shortcuts(tmp_path):
    # sweep, sobol, morris and run_experiment take simsim.run's jobs, out, executor and quiet
    from simsim.designs import morris, sobol, sweep

    res = sweep("mongolia_icc_2024", {"parameters.rationality": [1, 2]}, replications=3, seed=1, jobs=2,
                out=tmp_path / "sweep", quiet=True)
    assert (tmp_path / "sweep" / "summary.json").is_file() and res.metadata["settings"]["executor"] == "2 processes"
    assert len(res) == 6
    from simsim.inputs import design_of

    k = len(design_of(simsim.load_scenario("mongolia_icc_2024")).uncertain)
    s = sobol("mongolia_icc_2024", base_samples=2, seed=1, executor="serial", quiet=True)
    assert s.metadata["settings"]["executor"] == "1 process" and len(s) == 2 * (k + 2)  # Saltelli's rows
    m = morris("mongolia_icc_2024", trajectories=2, seed=1, jobs=1, out=tmp_path / "morris", quiet=True)
    assert (tmp_path / "morris" / "metadata.json").is_file() and len(m) == 2 * (k + 1)  # two trajectories
