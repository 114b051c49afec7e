"""Experiments: replications of a scenario, seeding, executors, streaming to disk, replay."""

from simsim.experiment.replay import rerun
from simsim.experiment.runner import RunSettings, run, run_one, run_seeds

__all__ = ["RunSettings", "rerun", "run", "run_one", "run_seeds"]
