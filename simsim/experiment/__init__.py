"""Experiments: replications of a scenario, seeding, and executors."""

from simsim.experiment.runner import RunSettings, run, run_one, run_seeds

__all__ = ["RunSettings", "run", "run_one", "run_seeds"]
