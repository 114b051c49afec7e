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

from typing import TYPE_CHECKING

from simsim._lazy import lazy_names
from simsim.errors import ResultsError, RunFailedError, ScenarioError, SimsimError

if TYPE_CHECKING:
    from simsim.calibration import calibrate
    from simsim.experiment import RunSettings, rerun, run, run_one
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

# The public names are imported on first use (PEP 562), so that ``import simsim`` (and the
# ``simsim`` command's ``--help``) do not pay for numpy, pandas, scipy and mesa up front.
_LAZY = {
    "RunSettings": "simsim.experiment", "rerun": "simsim.experiment", "run": "simsim.experiment",
    "run_one": "simsim.experiment",
    "behaviour_names": "simsim.registry", "get_behaviour": "simsim.registry", "get_mechanism": "simsim.registry",
    "mechanism_names": "simsim.registry", "register_behaviour": "simsim.registry",
    "register_mechanism": "simsim.registry", "shipped_scenarios": "simsim.registry",
    "Results": "simsim.results", "Scenario": "simsim.scenario", "load_scenario": "simsim.scenario",
    "calibrate": "simsim.calibration",
}


__getattr__, __dir__ = lazy_names(__name__, _LAZY, globals())


__all__ = [
    "Results", "ResultsError", "RunFailedError", "RunSettings", "Scenario", "ScenarioError", "SimsimError",
    "__version__", "behaviour_names", "calibrate", "get_behaviour", "get_mechanism", "load_scenario",
    "mechanism_names", "register_behaviour", "register_mechanism", "rerun", "run", "run_one",
    "shipped_scenarios",
]
