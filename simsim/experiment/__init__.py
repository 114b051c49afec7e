"""Experiments: replications of a scenario, seeding, executors, streaming to disk, replay.

The public names are imported on first use (PEP 562), so that importing a light submodule
(e.g. :mod:`simsim.experiment.checks`, which checking a scenario uses) does not import the
runner and Mesa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simsim._lazy import lazy_names

if TYPE_CHECKING:
    from simsim.experiment.replay import rerun
    from simsim.experiment.runner import RunSettings, run, run_one, run_seeds

_LAZY = {"rerun": "simsim.experiment.replay", "RunSettings": "simsim.experiment.runner",
         "run": "simsim.experiment.runner", "run_one": "simsim.experiment.runner",
         "run_seeds": "simsim.experiment.runner"}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


__all__ = ["RunSettings", "rerun", "run", "run_one", "run_seeds"]
