"""The experiment: section is validated like the rest of a scenario: located errors, no silent coercion."""

from __future__ import annotations

import warnings

import pytest

from simsim.cli import main
from simsim.designs.salib import pow2_neighbours

HEAD = "extends: mongolia_icc_2024\nname: exp\nobserved: null\n"


def _validate(tmp_path, capsys, body: str) -> tuple[int, str, str]:
    path = tmp_path / "exp.yaml"
    path.write_text(HEAD + body)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. numpy's RuntimeWarning on an infinite range: must not happen
        code = main(["validate", str(path)])
    return code, capsys.readouterr().err, str(path)


def _factor(values: str) -> str:
    return f"experiment:\n  design: sweep\n  replications: 10\n  factors:\n    parameters.rationality: {values}\n"


def test_booleans_are_not_factor_values(tmp_path, capsys):
    code, err, path = _validate(tmp_path, capsys, _factor("{values: [true, false]}"))
    assert code == 2
    assert f"{path}:8: experiment.factors.parameters.rationality.values[0]: expected a number, got a yes/no" in err


def test_an_infinite_bound_is_a_located_error_without_a_warning(tmp_path, capsys):
    code, err, path = _validate(tmp_path, capsys, _factor("{low: 0.5, high: .inf, levels: 3}"))
    assert code == 2
    assert f"{path}:8: experiment.factors.parameters.rationality.high: expected a finite number" in err
    assert "nan" not in err


def test_text_values_give_one_problem_per_value_and_nothing_spurious(tmp_path, capsys):
    code, err, _ = _validate(tmp_path, capsys, _factor('{values: ["high", "low"]}'))
    assert code == 2
    assert "2 problems" in err and "values[0]" in err and "values[1]" in err
    assert "Tuple" not in err and "at least 1 item" not in err
    code, err, _ = _validate(tmp_path, capsys, _factor("{values: []}"))
    assert code == 2 and "values must not be empty" in err


@pytest.mark.parametrize(("n", "down", "up"), [(30, 16, 32), (3, 2, 4), (1000, 512, 1024)])
def test_base_samples_not_a_power_of_2_fails_validate(tmp_path, capsys, n, down, up):
    code, err, path = _validate(tmp_path, capsys, f"experiment: {{design: sobol, base_samples: {n}}}\n")
    assert code == 2
    assert f"{path}:4: experiment.base_samples: base_samples must be a power of 2" in err
    assert f"got {n}; use {down} or {up}" in err
    assert pow2_neighbours(n) == (down, up)


def test_base_samples_a_power_of_2_validates(tmp_path, capsys):
    code, err, _ = _validate(tmp_path, capsys, "experiment: {design: sobol, base_samples: 32, replications: 2}\n")
    assert code == 0, err
