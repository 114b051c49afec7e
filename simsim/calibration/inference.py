r"""``simsim.calibrate``: infer the parameters that cases share from what happened in each.

Given cases (scenarios with an observed outcome each) and the uncertain parameters they
share, ABC-SMC (:mod:`simsim.calibration.abc`) finds a weighted sample of parameter values
under which simulating every case reproduces what happened. The distance between a
simulation and the record is the number of cases whose simulated outcome differs from the
observed category; at tolerance 0 the sample is from the exact posterior
:math:`p(\theta \mid \text{record}) \propto \pi(\theta) \prod_c P(\text{observed}_c \mid \theta)`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simsim.calibration.abc import KERNELS, Population, SMCSettings, resolve_kernel, run_smc
from simsim.calibration.cases import Case, ScenarioLike, load_cases
from simsim.calibration.diagnostics import predictive_table
from simsim.calibration.posterior import Posterior
from simsim.calibration.simulate import CaseSimulator, Prior, shared_prior
from simsim.errors import SimsimError
from simsim.scenario.base import did_you_mean
from simsim.scenario.schema import Scenario

DISTANCE_DOC = ("number of cases whose simulated outcome category differs from the observed one "
                "(one simulation per case and particle)")


@dataclass(frozen=True)
class CalibrationSettings:
    """Options of a calibration, grouped.

    Attributes
    ----------
    particles
        Accepted particles per population.
    alpha
        Quantile of the previous population's distances that sets the next tolerance.
    min_epsilon
        Target tolerance in cases missed (0: every case reproduced, the exact posterior).
    max_populations
        Populations after the prior sample, at most.
    max_simulations
        Budget of case simulations (runs); the last complete population is kept if it runs out.
    predictive_draws
        Draws for the prior and posterior predictive check per case (0: skip it).
    kernel
        ``auto``, ``mcmc`` or ``pmc``: how particles move between populations (see
        :mod:`simsim.calibration.abc`).
    jobs
        Worker processes (``None``: one unless a population needs 20,000 runs or more).
    start_method
        Multiprocessing start method (``None``: as :func:`simsim.run`).
    """

    particles: int = 1000
    alpha: float = 0.5
    min_epsilon: float = 0.0
    max_populations: int = 10
    max_simulations: int | None = 5_000_000
    predictive_draws: int = 2000
    kernel: str = "auto"
    jobs: int | None = None
    start_method: str | None = None

    def check(self) -> None:
        """Raise :class:`SimsimError` on an invalid setting."""
        for name in ("particles", "max_populations", "predictive_draws"):
            v = getattr(self, name)
            if isinstance(v, bool) or not float(v).is_integer():
                raise SimsimError(f"{name} must be a whole number (got {v!r})")
        if self.particles < 10:
            raise SimsimError(f"particles must be at least 10 (got {self.particles})")
        if not 0 < self.alpha < 1:
            raise SimsimError(f"alpha must lie strictly between 0 and 1 (got {self.alpha})")
        if self.min_epsilon < 0 or not math.isfinite(self.min_epsilon):
            raise SimsimError(f"min_epsilon must be a non-negative number (got {self.min_epsilon})")
        if self.max_populations < 0:
            raise SimsimError(f"max_populations must be at least 0 (got {self.max_populations})")
        if self.predictive_draws < 0:
            raise SimsimError(f"predictive_draws must be at least 0 (got {self.predictive_draws})")
        if self.max_simulations is not None and self.max_simulations < 1:
            raise SimsimError(f"max_simulations must be positive (got {self.max_simulations})")
        if self.kernel not in KERNELS:
            raise SimsimError(f"unknown kernel '{self.kernel}'{did_you_mean(self.kernel, KERNELS)}; "
                              f"known: {', '.join(KERNELS)}")
        if self.jobs is not None and (isinstance(self.jobs, bool) or int(self.jobs) < 1):
            raise SimsimError(f"jobs must be at least 1 (got {self.jobs})")


def common_base(cases: Sequence[Case]) -> Path | None:
    """The file every case's scenario file directly ``extends:``, if they all extend the same one."""
    import yaml

    bases = set()
    for c in cases:
        origin = c.scenario.origin
        if not origin or not Path(origin).is_file():
            return None
        with open(origin, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        ext = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(ext, str):
            return None
        p = Path(origin).parent / ext
        if not p.is_file():
            from simsim.registry import shipped_scenarios

            shipped = shipped_scenarios()
            if ext not in shipped:
                return None
            p = Path(shipped[ext])
        bases.add(p.resolve())
    return bases.pop() if len(bases) == 1 else None


def _pop_row(pop: Population, n_cases: int) -> dict[str, Any]:
    return {"population": pop.t, "epsilon": pop.epsilon, "particles": len(pop.weights),
            "candidates": pop.candidates, "acceptance_rate": pop.acceptance_rate, "moves": pop.moves,
            "ess": pop.ess, "distinct": pop.unique, "simulated": pop.simulated * n_cases, "seconds": pop.seconds}


def _versions() -> dict[str, str]:
    from simsim.results import _versions as v

    return v()


def predictive_draws(posterior: Posterior, cases: Sequence[Case], prior: Prior, n: int, seed: int,
                     sim: CaseSimulator) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Simulated categories of each case under ``n`` prior draws and ``n`` posterior draws."""
    z = np.random.default_rng([seed, 10_000]).standard_normal((n, prior.dim))
    prior_sims = sim.simulate(prior.values(z), (seed, 10_000))
    post_sims = sim.simulate(posterior.resample(n, seed), (seed, 10_001))
    return prior_sims, post_sims


def calibrate(
    scenarios: Sequence[ScenarioLike] | ScenarioLike,
    observed: str | os.PathLike[str] | pd.DataFrame | None = None,
    parameters: Sequence[str] | None = None,
    *,
    outcome: str | None = None,
    seed: int | None = None,
    settings: CalibrationSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> Posterior:
    """Calibrate the parameters shared by the cases to what happened in each (ABC-SMC).

    Parameters
    ----------
    scenarios
        The cases: scenarios (validated, or paths/names), a folder, or a base file whose
        folder holds the case files that extend it.
    observed
        Observed table (path or DataFrame: ``scenario``, ``outcome``, ``observed``[, ``date``]);
        ``None``: each scenario names its own observed outcome (``observed:``).
    parameters
        Parameters to infer (``w_obligation`` or input columns such as ``attr.MNG.x``); each must
        be an uncertain input of every case with the same prior. ``None``: every uncertain
        mechanism parameter the cases share.
    outcome
        The observed outcome to compare when a scenario's ``observed:`` names several: a name or
        a prefix (``decision``); default: the first listed.
    seed
        Master seed; ``None`` draws one (recorded in the metadata).
    settings
        Sampler options (:class:`CalibrationSettings`).
    progress
        Called with a line of text after each population.

    Returns
    -------
    Posterior
        Weighted particles, populations, predictive check, metadata; ``.save(dir)`` writes them
        with a scenario fragment.
    """
    s = settings or CalibrationSettings()
    s.check()
    given = [scenarios] if isinstance(scenarios, (str, os.PathLike, Scenario)) else list(scenarios)
    cases: list[Case] = ([c for c in given if isinstance(c, Case)] if given and all(isinstance(c, Case) for c in given)
                         else load_cases(given, observed, outcome))  # type: ignore[arg-type]
    return calibrate_cases(cases, parameters, seed=seed, settings=s, progress=progress)


def calibrate_cases(cases: Sequence[Case], parameters: Sequence[str] | None = None, *, seed: int | None = None,
                    settings: CalibrationSettings | None = None,
                    progress: Callable[[str], None] | None = None) -> Posterior:
    """:func:`calibrate` on cases already loaded (:func:`simsim.calibration.load_cases`)."""
    import secrets

    s = settings or CalibrationSettings()
    s.check()
    if not cases:
        raise SimsimError("no cases to calibrate on")
    seed_drawn = seed is None
    if seed is None:
        seed = secrets.randbits(63)
    if isinstance(seed, bool) or not float(seed).is_integer() or int(seed) < 0:
        raise SimsimError(f"a seed must be a non-negative whole number (got {seed!r})")
    seed = int(seed)
    prior = shared_prior(cases, parameters)
    n_cases = len(cases)
    jobs = s.jobs if s.jobs is not None else (1 if s.particles * n_cases < 20_000 else (os.cpu_count() or 1))
    smc = SMCSettings(particles=int(s.particles), alpha=s.alpha, min_epsilon=s.min_epsilon,
                      max_populations=int(s.max_populations), max_simulations=s.max_simulations,
                      min_batch=max(int(s.particles), 1000), kernel=s.kernel)

    def report(pop: Population) -> None:
        if progress:
            eps = "inf" if math.isinf(pop.epsilon) else f"{pop.epsilon:g}"
            moves = f", {pop.moves} moves" if pop.moves else ""
            progress(f"population {pop.t}: tolerance {eps}, acceptance {pop.acceptance_rate:.3g}{moves}, "
                     f"ESS {pop.ess:.0f}, {pop.unique} distinct, {pop.simulated * n_cases:,} runs, "
                     f"{pop.seconds:.1f} s")

    with CaseSimulator(cases, jobs=int(jobs), start_method=s.start_method) as sim:
        def distance(z: np.ndarray, key: tuple[int, ...]) -> np.ndarray:
            sims = sim.simulate(prior.values(z), key)
            missed = np.zeros(len(z), dtype=np.int64)
            for case, out in zip(cases, sims, strict=True):
                missed += ~case.matches(out)
            return missed

        result = run_smc(distance, prior.dim, seed, smc, progress=report, cost=n_cases)
        final = result.final
        values = prior.values(final.z)
        particles = pd.DataFrame(values)
        particles["weight"] = final.weights
        particles["distance"] = final.distances.astype(np.int64)
        prior_sample = pd.DataFrame(prior.values(result.populations[0].z))
        populations = pd.DataFrame([_pop_row(p, n_cases) for p in result.populations])
        case_table = pd.DataFrame({
            "case": [c.name for c in cases], "outcome": [c.outcome for c in cases],
            "observed": [c.observed for c in cases], "date": [c.date for c in cases],
            "file": [c.scenario.origin for c in cases]})
        base = common_base(cases)
        meta: dict[str, Any] = {
            "format_version": 1,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "versions": _versions(),
            "method": "ABC-SMC with adaptive tolerance, simsim.calibration.abc: kernel "
                      + {"pmc": "pmc (Beaumont et al. 2009 population Monte Carlo)",
                         "mcmc": "mcmc (Del Moral, Doucet & Jasra 2012 resample-move)"}[resolve_kernel(s.kernel,
                                                                                                     prior.dim)],
            "parameters": list(prior.columns),
            "prior": prior.describe(),
            "distance": DISTANCE_DOC,
            "tolerance_schedule": [float(p.epsilon) for p in result.populations],
            "final_tolerance": float(final.epsilon),
            "stopped": result.stopped,
            "simulations": int(sim.simulations),
            "seed": seed,
            "seed_drawn": seed_drawn,
            "settings": asdict(s) | {"jobs": int(jobs)},
            "cases": [{"case": c.name, "outcome": c.outcome, "observed": c.observed,
                       "date": None if pd.isna(c.date) else c.date.date().isoformat(),
                       "file": c.scenario.origin, "content_hash": c.scenario.content_hash} for c in cases],
            "base_file": str(base) if base else None,
        }
        post = Posterior(particles, prior_sample, populations, case_table, meta)
        if s.predictive_draws:
            pr, po = predictive_draws(post, cases, prior, int(s.predictive_draws), seed, sim)
            post.predictive = predictive_table(list(cases), pr, po)
        meta["simulations"] = int(sim.simulations)
    return post
