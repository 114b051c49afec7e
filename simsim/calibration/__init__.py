"""Calibration to observed history (ABC-SMC) and out-of-sample backtests.

Uses the runner, never reaches into mechanisms: cases are scenarios with an observed outcome;
the posterior is written as Parquet plus a scenario fragment that later scenarios ``extends:``.
See docs/calibration.md and docs/validation.md.
"""

from simsim.calibration.abc import SMCSettings, run_smc
from simsim.calibration.cases import Case, load_cases, read_observed
from simsim.calibration.inference import CalibrationSettings, calibrate, calibrate_cases
from simsim.calibration.posterior import Posterior
from simsim.calibration.simulate import CaseSimulator, Prior, shared_prior

__all__ = ["CalibrationSettings", "Case", "CaseSimulator", "Posterior", "Prior", "SMCSettings", "calibrate",
           "calibrate_cases", "load_cases", "read_observed", "run_smc", "shared_prior"]
