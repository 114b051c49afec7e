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
