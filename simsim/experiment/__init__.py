"""Experiments: replications of a scenario, seeding, executors, streaming to disk, replay.

The public names are imported on first use (PEP 562), so that importing a light submodule
(e.g. :mod:`simsim.experiment.checks`, which checking a scenario uses) does not import the
runner and Mesa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simsim.experiment.replay import rerun
    from simsim.experiment.runner import RunSettings, run, run_one, run_seeds

_LAZY = {"rerun": "simsim.experiment.replay", "RunSettings": "simsim.experiment.runner",
         "run": "simsim.experiment.runner", "run_one": "simsim.experiment.runner",
         "run_seeds": "simsim.experiment.runner"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simsim.experiment' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = ["RunSettings", "rerun", "run", "run_one", "run_seeds"]
