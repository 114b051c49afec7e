"""What one click of Run computes, without a browser; and the ``simsim explore`` command's errors."""

from __future__ import annotations

import socket

import pytest

import simsim
from simsim.cli import main
from simsim.errors import ScenarioError, SimsimError
from simsim.explore.session import explore_run, parse_whole, summary_rows


def test_bad_values_raise_simsims_messages():
    with pytest.raises(SimsimError, match="number of runs: expected a whole number, got 'abc'"):
        explore_run("mongolia_icc_2024", [], "abc", 1)
    with pytest.raises(SimsimError, match="number of runs: expected a number >= 1, got 0"):
        explore_run("mongolia_icc_2024", [], "0", 1)
    with pytest.raises(SimsimError, match="seed: expected a number >= 0, got -2"):
        explore_run("mongolia_icc_2024", [], 10, "-2")
    with pytest.raises(SimsimError, match="at most 100,000"):
        parse_whole("100001", "number of runs", 1, 100_000)
    # the same message as `simsim run --set parameters.rationality=-1`
    with pytest.raises(ScenarioError, match="parameters.rationality.*must be >= 0"):
        explore_run("mongolia_icc_2024", ["parameters.rationality=-1"], 10, 1)
    with pytest.raises(ScenarioError, match="did you mean 'w_dependence'"):
        explore_run("mongolia_icc_2024", ["parameters.w_dependance=1"], 10, 1)


@pytest.mark.slow
def test_a_run_matches_simsim_run():
    sets = ["parameters.w_dependence=2"]
    progress = []
    run = explore_run("mongolia_icc_2024", sets, "60", "3", progress=lambda f, w: progress.append(f), figures=False)
    assert progress == sorted(progress) and run.figures == {}
    ref = simsim.run(simsim.load_scenario("mongolia_icc_2024", sets), replications=60, seed=3)
    base = simsim.run(simsim.load_scenario("mongolia_icc_2024"), replications=60, seed=3)
    rows = {(r["outcome"], r["category"]): r for r in summary_rows(run)}
    for s, key in ((ref.summary(ref.main_outcomes), "changed"), (base.summary(base.main_outcomes), "written")):
        for r in s.itertuples(index=False):
            cat = r.category if isinstance(r.category, str) else ""
            assert rows[(r.outcome, cat)][key] == r.estimate
    assert run.command == "simsim run mongolia_icc_2024 -n 60 --seed 3 --set parameters.w_dependence=2"
    # a stop request between stages abandons the run
    assert explore_run("mongolia_icc_2024", [], 20, 1, stop=lambda: True) is None


def test_explore_without_the_extra_exits_2_with_the_install_hint(monkeypatch, capsys):
    import simsim.explore

    monkeypatch.setattr(simsim.explore, "REQUIRED_MODULES", ("simsim_no_such_package",))
    assert main(["explore", "mongolia_icc_2024", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "simsim_no_such_package" in err and "pip install simsim[explore]" in err and "Traceback" not in err


def test_explore_bad_scenario_and_busy_port_exit_2(capsys):
    assert main(["explore", "mongolia_icc_2042", "--no-browser"]) == 2
    assert "mongolia_icc_2042: file not found" in capsys.readouterr().err  # before any server starts
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["explore", "mongolia_icc_2024", "--no-browser", "--port", str(port)]) == 2
    assert f"--port {port}: cannot listen" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["explore", "mongolia_icc_2024", "--port", "70000"])
    assert exc.value.code == 2
