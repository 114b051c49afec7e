"""CLI arguments as a careless or hostile user types them: typos never succeed, bad values exit 2,
nothing is written outside --out."""

from __future__ import annotations

from pathlib import Path

import pytest

import simsim
from tests.hostile.conftest import assert_bad_input, cli, files_under

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def icc(tmp_path_factory) -> Path:
    """Results of the shipped ICC scenario (categorical main outcome decision.MNG)."""
    d = tmp_path_factory.mktemp("icc")
    return simsim.run("mongolia_icc_2024", replications=200, seed=9).save(d / "icc")


TYPOS = [
    (["plot", "{r}", "--outcome", "decison.MNG"], "did you mean 'decision.MNG'"),
    (["sensitivity", "{r}", "--outcome", "decison.MNG"], "did you mean 'decision.MNG'"),
    (["sensitivity", "{r}", "--category", "arest"], "did you mean 'arrest'"),
    (["sensitivity", "{r}", "--outcome", "decision.MNG", "--category", "arest"], "did you mean 'arrest'"),
    (["convergence", "{r}", "--category", "arest"], "did you mean 'arrest'"),
    (["convergence", "{r}", "--outcome", "arrests", "--category", "arrest"], "not categorical"),
    (["compare", "{r}", "{r}", "--outcome", "decison.MNG"], "did you mean 'decision.MNG'"),
]


@pytest.mark.parametrize("argv, fragment", TYPOS)
def test_typos_in_names_never_succeed(argv, fragment, icc):
    before = files_under(icc)
    code, out, err = cli([a.format(r=icc) for a in argv])
    assert_bad_input(code, err, fragment=fragment)
    assert files_under(icc) == before  # no figure of a typo


BAD_ARGS = [
    (["run", "mongolia_icc_2024", "-n", "0"], ">= 1"),
    (["run", "mongolia_icc_2024", "-n", "1e3"], "whole number"),
    (["run", "mongolia_icc_2024", "-n", "-5"], ">= 1"),
    (["run", "mongolia_icc_2024", "-n", "9" * 30], "memory"),
    (["run", "mongolia_icc_2024", "--seed", "-1"], "seed"),
    (["run", "mongolia_icc_2024", "--seed", "abc"], "whole number"),
    (["run", "mongolia_icc_2024", "--jobs", "0"], ">= 1"),
    (["run", "mongolia_icc_2024", "--sampling", "lhz"], "invalid choice"),
    (["run", "mongolia_icc_2024", "--set", "steps"], "path.to.key=value"),
    (["run", "mongolia_icc_2024", "--set", "=3"], "empty key"),
    (["run", "mongolia_icc_2024", "--set", "stepz=3"], "did you mean 'steps'"),
    (["run", "mongolia_icc_2024", "--set", "steps=true"], "steps"),
    (["run", "mongolia_icc_2024", "--set", "parameters.retaliation_prob.value=.nan"], "finite"),
    (["run", "mongolia_icc_2024", "--set", "parameters.retaliation_prob.value=yes"], "yes/no"),
    (["run", "mongolia_icc_2024", "--set", "actors.MNX.name=x"], "did you mean 'MNG'"),
    (["run", "mongolia_icc_2024", "--set", "actors.99.name=x"], "out of range"),
    (["run", "mongolia_icc_2024", "--set", "steps=" + "[" * 300], "nested"),
    (["run", "mongolia_icc_2024", "--set", "name=*a"], "YAML"),
    (["run", "mongolia_icc_2024", "--set", "extends=x.yaml"], "cannot be overridden"),
    (["run", "mongolia_icc_2024", "--set", "name.x=1"], "a value, not a section"),
    (["run", "mongolia_icc_2024", "--out", "/dev/null/x"], "--out"),
    (["run", "mongolia_icc_2024", "--bogus"], "unrecognized"),
    (["describe", "mongolia_icc_2024", "--set", "parameters.retaliaton_prob=0.3"], "did you mean"),
    (["validate", "mongolia_icc_2024", "--set", "seed=-4"], "seed"),
    (["frobnicate"], "invalid choice"),
    (["compare", "mongolia_icc_2024", "nuclear_arms_race", "-n", "5"], "share no main outcome"),
]


@pytest.mark.parametrize("argv, fragment", BAD_ARGS)
def test_bad_arguments_exit_2_and_write_nothing(argv, fragment, in_tmp):
    code, out, err = cli(argv)
    assert_bad_input(code, err, fragment=fragment)
    assert files_under(in_tmp) == set()  # not even out/<name>


def test_compare_says_which_interval(icc, tmp_path):
    other = simsim.run("mongolia_icc_2024_half_dependence", replications=200, seed=9).save(tmp_path / "half")
    code, out, err = cli(["compare", str(icc), str(other)])
    assert code == 0, err
    assert "intervals of differences: paired" in out  # same master seed and number of runs
    third = simsim.run("mongolia_icc_2024_half_dependence", replications=200, seed=10).save(tmp_path / "third")
    code, out, err = cli(["compare", str(icc), str(third)])
    assert code == 0 and "intervals of differences: independent" in out and "paired" not in out


def test_run_writes_only_inside_out(in_tmp):
    out = in_tmp / "deep" / "out"
    code, _, err = cli(["run", "nuclear_arms_race", "-n", "5", "--seed", "1", "--out", str(out), "--no-plot"])
    assert code == 0, err
    assert all(p == in_tmp / "deep" or out in (p, *p.parents) for p in files_under(in_tmp))
