"""The command line: exit codes, files written, one-line errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from simsim.cli import main
from tests.conftest import MINIMAL, ROOT, SCENARIOS


def test_run_writes_results_and_plot(tmp_path, capsys):
    out = tmp_path / "res"
    code = main(["run", str(SCENARIOS / "mongolia_icc_2024.yaml"), "-n", "60", "--seed", "7", "--out", str(out),
                 "--jobs", "1"])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["metadata.json", "outcomes.png", "runs.parquet", "summary.json", "timeseries.parquet"]
    assert (out / "outcomes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = capsys.readouterr().out
    assert "decision.MNG = no_arrest" in text and "seed 7" in text
    assert len(pd.read_parquet(out / "runs.parquet")) == 60
    assert json.loads((out / "metadata.json").read_text())["seed"] == 7


def test_run_with_jobs_1_and_2_is_identical(tmp_path):
    for j in ("1", "2"):
        assert main(["run", "icc_visits_network", "-n", "40", "--seed", "3", "--jobs", j, "--out",
                     str(tmp_path / j), "--no-plot", "--quiet"]) == 0
    for table in ("runs.parquet", "timeseries.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "1" / table), pd.read_parquet(tmp_path / "2" / table))
    s1 = json.loads((tmp_path / "1" / "summary.json").read_text())
    s2 = json.loads((tmp_path / "2" / "summary.json").read_text())
    assert s1 == s2


def test_run_with_override(tmp_path):
    out = tmp_path / "o"
    assert main(["run", "mongolia_icc_2024", "-n", "20", "--seed", "1", "--out", str(out), "--no-plot", "--quiet",
                 "--set", "parameters.rationality=0", "--set", "steps=2"]) == 0
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["scenario"]["steps"] == 2
    assert meta["scenario_content"]["parameters"]["rationality"]["value"] == 0


def test_bad_scenario_one_line_exit_2_nothing_written(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("retaliation_prob: {value: 0.5", "retaliation_prob: {value: 1.4"))
    out = tmp_path / "never"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert f"{bad}:" in err and "parameters.retaliation_prob" in err
    assert not out.exists()


def test_validate(tmp_path, capsys):
    files = [str(p) for p in sorted(SCENARIOS.glob("*.yaml"))]
    assert main(["validate", *files]) == 0
    assert capsys.readouterr().out.count("ok: ") == len(files)
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("model: dilemma", "model: dilema"))
    assert main(["validate", files[0], str(bad)]) == 2
    captured = capsys.readouterr()
    assert "did you mean 'dilemma'" in captured.err and captured.out.count("ok: ") == 1


def test_schema_is_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["type"] == "object" and "actors" in schema["properties"]


def test_list_shows_mechanisms_and_scenarios(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "dilemma" in out and "mongolia_icc_2024" in out


def test_describe(capsys):
    assert main(["describe", "mongolia_icc_2024"]) == 0
    out = capsys.readouterr().out
    assert "rel.energy_dependence.MNG->RUS" in out and "politico_2024" in out and "xinhua_2024" in out


def test_plot_and_compare(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["run", "mongolia_icc_2024", "-n", "50", "--seed", "2", "--out", str(a), "--no-plot", "--quiet"]) == 0
    assert main(["run", "mongolia_icc_2024_half_dependence", "-n", "50", "--seed", "2", "--out", str(b),
                 "--no-plot", "--quiet"]) == 0
    assert main(["plot", str(a)]) == 0
    assert (a / "outcomes.png").exists()
    assert main(["compare", str(a), str(b), "--out", str(tmp_path / "cmp")]) == 0
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert "decision.MNG: no_arrest" in set(table.label)
    assert (tmp_path / "cmp" / "comparison.png").exists()


@pytest.mark.parametrize("argv, fragment", [
    (["run", "no_such_scenario.yaml"], "file not found"),
    (["run", "mongolia_icc_2024", "-n", "0"], "expected a number >= 1"),
    (["run", "mongolia_icc_2024", "--seed", "-3"], "seed must be >= 0"),
    (["run", "mongolia_icc_2024", "--set", "steps"], "path.to.key=value"),
    (["plot", "/nonexistent-folder"], "not a simsim results folder"),
])
def test_bad_arguments_exit_2(argv, fragment, capsys):
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


@pytest.mark.slow  # starts a Python process
def test_console_script_exit_code_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nmodel: dilemma\n  actors: [\n")
    proc = subprocess.run([sys.executable, "-m", "simsim.cli", "validate", str(bad)], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "YAML syntax error" in proc.stderr


def test_unwritable_out_fails_before_running(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", "mongolia_icc_2024", "-n", "10", "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert "cannot create the folder" in err and "Traceback" not in err
    assert main(["plot", str(tmp_path), "--out", str(tmp_path / "no" / "x.png")]) == 2


def test_no_plot_removes_a_stale_plot(tmp_path):
    out = tmp_path / "o"
    assert main(["run", "mongolia_icc_2024", "-n", "10", "--seed", "1", "--out", str(out), "--quiet"]) == 0
    assert (out / "outcomes.png").exists()
    assert main(["run", "mongolia_icc_2024", "-n", "10", "--seed", "2", "--out", str(out), "--quiet",
                 "--no-plot"]) == 0
    assert not (out / "outcomes.png").exists()


def test_compare_without_shared_outcomes_is_an_error(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    main(["run", "mongolia_icc_2024", "-n", "10", "--out", str(a), "--quiet", "--no-plot"])
    main(["run", "landscape_syria_2016", "-n", "2", "--out", str(b), "--quiet", "--no-plot"])
    assert main(["compare", str(a), str(b)]) == 2
    assert "share no main outcome" in capsys.readouterr().err


def test_describe_lists_outcomes_and_fixed_inputs(capsys):
    assert main(["describe", "mongolia_icc_2024", "--set", "parameters.rationality=2"]) == 0
    out = capsys.readouterr().out
    assert "rel.trade_share.MNG->CHN" in out and "0.723" in out
    assert "param.rationality" in out and "decision.MNG" in out and "category" in out


def test_shipped_name_is_not_hidden_by_a_local_folder(tmp_path, monkeypatch):
    import simsim

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mongolia_icc_2024").mkdir()
    assert simsim.load_scenario("mongolia_icc_2024").name == "mongolia_icc_2024"
    res = simsim.run("mongolia_icc_2024", replications=5, seed=1)
    assert len(res.runs) == 5


@pytest.mark.slow  # starts a Python process
def test_broken_pipe_is_quiet(tmp_path):
    proc = subprocess.run(f"{sys.executable} -m simsim.cli list | head -1", shell=True, capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.stdout.startswith("Mechanisms") and "Error" not in proc.stderr


def test_sensitivity_command(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "mongolia_icc_2024", "-n", "300", "--seed", "3", "--out", str(out), "--no-plot"]) == 0
    assert "What drives decision.MNG = declined" in capsys.readouterr().out  # its most likely category
    assert main(["sensitivity", str(out), "--outcome", "final_credibility"]) == 0
    text = capsys.readouterr().out
    # credibility starts from attr.ICC.credibility: it must be the strongest, positive driver
    first = text.splitlines()[1].split()
    assert first[0] == "attr.ICC.credibility" and float(first[1]) > 0.5
    assert (out / "sensitivity.png").exists()
    assert main(["sensitivity", str(out), "--outcome", "nope"]) == 2


def test_convergence_command(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["run", "mongolia_icc_2024", "-n", "120", "--seed", "3", "--out", str(out), "--quiet",
                 "--no-plot"]) == 0
    capsys.readouterr()
    assert main(["convergence", str(out), "--outcome", "finding.MNG"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("finding.MNG") and "n =      120" in lines[-2]
    assert (out / "convergence.png").exists()
