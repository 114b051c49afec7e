"""simsim: simulate diplomatic scenarios as distributions of outcomes.

States are Mesa agents that cooperate with or confront each other; a YAML scenario file
sets every parameter; simsim runs the model many times under uncertainty.

>>> import simsim
>>> scn = simsim.load_scenario("mongolia_icc_2024")            # doctest: +SKIP
>>> res = simsim.run(scn, replications=1000, seed=7)           # doctest: +SKIP
>>> res.summary()                                              # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from simsim.calibration import calibrate
from simsim.errors import ResultsError, ScenarioError, SimsimError
from simsim.experiment import RunSettings, run, run_one
from simsim.registry import (
    behaviour_names,
    get_behaviour,
    get_mechanism,
    mechanism_names,
    register_behaviour,
    register_mechanism,
    shipped_scenarios,
)
from simsim.results import Results
from simsim.scenario import Scenario, load_scenario

__all__ = [
    "Results", "ResultsError", "RunSettings", "Scenario", "ScenarioError", "SimsimError",
    "__version__", "behaviour_names", "calibrate", "get_behaviour", "get_mechanism", "load_scenario",
    "mechanism_names", "register_behaviour", "register_mechanism", "run", "run_one",
    "shipped_scenarios",
]
