"""Damaged results folders: Results.load raises ResultsError naming the file; plot, sensitivity,
convergence and compare exit 2 with one message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import simsim
from simsim.errors import ResultsError
from tests.hostile.conftest import assert_bad_input, cli, copy_results

pytestmark = pytest.mark.timeout(60)


def _meta(d: Path) -> dict:
    return json.loads((d / "metadata.json").read_text())


def _write_meta(d: Path, meta) -> None:
    (d / "metadata.json").write_text(json.dumps(meta))


def _edit_meta(fn):
    def damage(d: Path) -> None:
        meta = _meta(d)
        fn(meta)
        _write_meta(d, meta)
    return damage


def _truncate(name: str, keep: float):
    def damage(d: Path) -> None:
        data = (d / name).read_bytes()
        (d / name).write_bytes(data[: int(len(data) * keep)])
    return damage


def _flip_middle(d: Path) -> None:
    data = bytearray((d / "runs.parquet").read_bytes())
    for i in range(len(data) // 3, len(data) // 3 + 64):
        data[i] ^= 0xFF
    (d / "runs.parquet").write_bytes(bytes(data))


def _other_runs(other: Path):
    def damage(d: Path) -> None:
        shutil.copy(other / "runs.parquet", d / "runs.parquet")
    return damage


def _runs_without(column: str):
    def damage(d: Path) -> None:
        import pandas as pd

        runs = pd.read_parquet(d / "runs.parquet").drop(columns=[column])
        runs.to_parquet(d / "runs.parquet")
    return damage


def _runs_head(n: int):
    def damage(d: Path) -> None:
        import pandas as pd

        pd.read_parquet(d / "runs.parquet").head(n).to_parquet(d / "runs.parquet")
    return damage


def _replace_with_folder(name: str):
    def damage(d: Path) -> None:
        (d / name).unlink()
        (d / name).mkdir()
    return damage


#: name -> (damage, file named in the message, fragment)
DAMAGES = {
    "runs_truncated": (_truncate("runs.parquet", 0.5), "runs.parquet", "Parquet"),
    "runs_empty": (_truncate("runs.parquet", 0.0), "runs.parquet", "Parquet"),
    "runs_bytes_flipped": (_flip_middle, "runs.parquet", ""),
    "runs_missing": (lambda d: (d / "runs.parquet").unlink(), "", "missing runs.parquet"),
    "runs_folder_empty": (_replace_with_folder("runs.parquet"), "runs.parquet", ""),
    "runs_without_seed": (_runs_without("seed"), "runs.parquet", "'seed'"),
    "runs_without_outcome": (_runs_without("arrests"), "runs.parquet", "arrests"),
    "runs_fewer_rows": (_runs_head(10), "runs.parquet", "10 runs"),
    "timeseries_truncated": (_truncate("timeseries.parquet", 0.3), "timeseries.parquet", "Parquet"),
    "metadata_list": (lambda d: _write_meta(d, [1, 2]), "metadata.json", "mapping"),
    "metadata_string": (lambda d: _write_meta(d, "results"), "metadata.json", "mapping"),
    "metadata_not_json": (lambda d: (d / "metadata.json").write_text("{nope"), "metadata.json", "JSON"),
    "metadata_not_utf8": (lambda d: (d / "metadata.json").write_bytes(b'{"a": "\xff\xfe"}'), "metadata.json",
                          "UTF-8"),
    "metadata_deep": (lambda d: (d / "metadata.json").write_text("[" * 100000 + "]" * 100000), "metadata.json",
                      ""),
    "metadata_folder": (_replace_with_folder("metadata.json"), "metadata.json", "regular file"),
    "metadata_no_outcomes": (_edit_meta(lambda m: m.pop("outcomes")), "metadata.json", "'outcomes'"),
    "metadata_no_scenario": (_edit_meta(lambda m: m.pop("scenario")), "metadata.json", "'scenario'"),
    "metadata_scenario_string": (_edit_meta(lambda m: m.update(scenario="tiny")), "metadata.json", "'scenario'"),
    "metadata_bogus_kind": (_edit_meta(lambda m: m["outcomes"][0].update(kind="numbr")), "metadata.json",
                            "did you mean 'number'"),
    "metadata_unknown_main": (_edit_meta(lambda m: m.update(main_outcomes=["arests"])), "metadata.json",
                              "did you mean 'arrests'"),
    "metadata_outcome_not_mapping": (_edit_meta(lambda m: m["outcomes"].append("x")), "metadata.json",
                                     "outcomes["),
    "metadata_seed_text": (_edit_meta(lambda m: m.update(seed="4")), "metadata.json", "'seed'"),
    "metadata_seed_bool": (_edit_meta(lambda m: m.update(seed=True)), "metadata.json", "'seed'"),
    "metadata_version": (_edit_meta(lambda m: m.update(format_version=99)), "metadata.json", "format 99"),
    "metadata_replications_text": (_edit_meta(lambda m: m["settings"].update(replications="30")), "metadata.json",
                                   "replications"),
}


@pytest.fixture
def damaged(request, results_dir, other_results_dir, tmp_path):
    name = request.param
    d = copy_results(results_dir, tmp_path / name)
    damage = DAMAGES[name][0]
    damage(d)
    return name, d


@pytest.fixture
def other_scenario_runs(results_dir, other_results_dir, tmp_path):
    d = copy_results(results_dir, tmp_path / "mixed")
    _other_runs(other_results_dir)(d)
    return d


@pytest.mark.parametrize("damaged", sorted(DAMAGES), indirect=True)
def test_results_load_names_the_file(damaged):
    name, d = damaged
    _, file, fragment = DAMAGES[name]
    with pytest.raises(ResultsError) as info:
        simsim.Results.load(d)
    msg = str(info.value)
    assert str(d / file) in msg if file else str(d) in msg
    assert fragment in msg


@pytest.mark.parametrize("damaged", ["runs_truncated", "metadata_list", "metadata_not_utf8", "metadata_no_outcomes",
                                     "metadata_bogus_kind", "runs_without_outcome", "metadata_folder"],
                         indirect=True)
@pytest.mark.parametrize("command", ["plot", "sensitivity", "convergence", "compare"])
def test_commands_exit_2_on_damaged_results(damaged, command, results_dir, tmp_path):
    name, d = damaged
    before = sorted(p.name for p in d.iterdir())
    argv = [command, str(d)] + ([str(results_dir)] if command == "compare" else [])
    code, _, err = cli(argv)
    assert_bad_input(code, err, where=str(d))
    assert sorted(p.name for p in d.iterdir()) == before  # no figure written into a damaged folder


def test_runs_of_another_scenario_are_refused(other_scenario_runs):
    with pytest.raises(ResultsError, match="another scenario"):
        simsim.Results.load(other_scenario_runs)
    code, _, err = cli(["plot", str(other_scenario_runs)])
    assert_bad_input(code, err, fragment="runs.parquet")


def test_not_a_folder(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    for target, fragment in ((f, "not a folder"), (tmp_path / "missing", "no such folder"),
                             (tmp_path, "missing")):
        code, _, err = cli(["plot", str(target)])
        assert_bad_input(code, err, fragment=fragment)


def test_a_valid_folder_still_loads(results_dir):
    res = simsim.Results.load(results_dir)
    assert len(res.runs) == 30 and res.seed == 4
