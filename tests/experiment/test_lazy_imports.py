"""The ``simsim`` command imports lazily: its module pulls in no heavy library at import time."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("matplotlib", "pandas", "mesa", "scipy", "pyarrow")


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return {m.split(".")[0] for m in out.split()}


def test_cli_module_imports_no_heavy_library():
    loaded = _imported_after("import simsim.cli")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_building_the_parser_imports_no_heavy_library():
    # what `simsim --help` does before it prints
    loaded = _imported_after("import simsim.cli as c; c.build_parser()")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_public_names_still_resolve_on_first_use():
    loaded = _imported_after("import simsim; simsim.load_scenario; simsim.Results")
    assert "pandas" in loaded  # Results was imported on access
    import simsim

    assert callable(simsim.run) and "run" in dir(simsim)


def test_validating_every_shipped_scenario_imports_no_heavy_library():
    """``simsim validate`` (and ``describe``, ``list``) read mechanisms' declarations, never their models.

    Before the declarations moved to light modules, validating imported every mechanism, hence
    Mesa, pandas, scipy and networkx (about 1.3 s); see ``benchmarks/bench_cli.py``.
    """
    from simsim.registry import BUILTIN_DECLARATIONS, shipped_scenarios

    paths = [str(p) for p in shipped_scenarios().values()]
    statement = (f"from simsim.cli import main; import simsim; paths = {paths!r}; "
                 "assert main(['validate', *paths]) == 0; "
                 "models = {simsim.load_scenario(p).model for p in paths}; "
                 "assert all(main(['describe', p]) == 0 for p in paths); assert main(['list']) == 0; "
                 "print(' '.join(sorted(models)))")
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = proc.stdout.strip().splitlines()
    assert set(lines[-2].split()) == set(BUILTIN_DECLARATIONS)  # every mechanism's declaration was used
    loaded = {m.split(".")[0] for m in lines[-1].split()}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert "simsim.model" not in lines[-1].split()


def test_a_bad_scenario_gives_the_same_error_without_mesa(tmp_path):
    """The error a bad file gets does not depend on whether the models were imported first."""
    from tests.conftest import MINIMAL

    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("retaliation_prob:", "retaliaton_prob:"))
    runs = {}
    for first in ("pass", "import simsim.mechanisms.dilemma"):
        code = (f"import sys; {first}; from simsim.cli import main; rc = main(['validate', {str(bad)!r}]); "
                "print(rc, 'mesa' in sys.modules)")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        runs[first] = (proc.stdout.split(), proc.stderr)
    assert runs["pass"][0] == ["2", "False"]
    assert runs["import simsim.mechanisms.dilemma"][0] == ["2", "True"]
    assert runs["pass"][1] == runs["import simsim.mechanisms.dilemma"][1]
    assert "unknown parameter 'retaliaton_prob'" in runs["pass"][1], runs["pass"][1]
    assert "retaliation_prob" in runs["pass"][1]  # the did-you-mean
