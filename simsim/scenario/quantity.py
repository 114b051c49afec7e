"""Numbers that describe the world: fixed values and distributions, with their provenance.

A quantity is written in YAML as a fixed value, ``{value: 0.97, source: xinhua_2024}``,
or as a distribution sampled once per run, ``{dist: uniform, low: 0.5, high: 0.9,
assumption: true}``. Each carries ``source:`` (an id in the scenario's ``sources:``)
or ``assumption: true``; a fixed assumption may give ``range: [lo, hi]``, the values
an analyst considers plausible, which sensitivity analyses sweep.

Distributions (parameters named as in :mod:`numpy.random`):

========== ======================================== ================================
dist       parameters                               support
========== ======================================== ================================
uniform    low, high                                [low, high]
normal     mean, sd, optional low/high (truncation)  [low, high] or the real line
triangular low, mode, high                          [low, high]
beta       a, b, optional low=0, high=1 (scaled)     [low, high]
choice     values, optional weights                 {values}
empirical  file, column, optional weights (a column) the values in the file
========== ======================================== ================================

``empirical`` reads weighted samples (e.g. a posterior from ``simsim calibrate``) from a
Parquet or CSV file, path relative to the YAML file that names it; see
:mod:`simsim.scenario.empirical`.
"""

from __future__ import annotations

import math
from contextvars import ContextVar
from typing import Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, PrivateAttr, model_validator
from pydantic_core import PydanticCustomError

from simsim.scenario import empirical
from simsim.scenario.base import Number, StrictModel

Dist = Literal["uniform", "normal", "triangular", "beta", "choice", "empirical"]

_NEEDS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "triangular": ("low", "mode", "high"),
    "beta": ("a", "b"),
    "choice": ("values",),
    "empirical": ("file", "column"),
}
_ALLOWED: dict[str, set[str]] = {
    "uniform": {"low", "high"},
    "normal": {"mean", "sd", "low", "high"},
    "triangular": {"low", "mode", "high"},
    "beta": {"a", "b", "low", "high"},
    "choice": {"values", "weights"},
    "empirical": {"file", "column", "weights", "joint"},
}
_SHAPE_FIELDS = {"value", "low", "high", "mean", "sd", "mode", "a", "b", "values", "weights", "range",
                 "file", "column", "joint"}
#: the YAML file an empirical quantity being validated was written in (set by the "before"
#: validator, read by the "after" validator of the same quantity)
_WRITTEN_IN: ContextVar[str | None] = ContextVar("_WRITTEN_IN", default=None)


class Quantity(StrictModel):
    """A fixed or uncertain number with its provenance (``source`` or ``assumption``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            example = (f"{{value: {data}, source: <id>}} or "
                       f"{{value: {data}, assumption: true, range: [lo, hi]}}")
            raise PydanticCustomError("bare_number", "a number here needs its provenance: write {example}",
                                      {"example": example})
        return data

    @model_validator(mode="before")
    @classmethod
    def _remember_file(cls, data: Any) -> Any:
        # an empirical file's path is relative to the YAML file that wrote it; the raw
        # mapping (simsim.scenario.yamlio.LDict) knows which file that was
        if isinstance(data, dict) and data.get("dist") == "empirical":
            loc = getattr(data, "locs", {}).get("file") or getattr(data, "loc", None)
            _WRITTEN_IN.set(loc[0] if loc else None)
        return data

    value: Number | None = Field(None, description="A fixed value.")
    dist: Dist | None = Field(None, description="Distribution to sample once per run.")
    low: Number | None = None
    high: Number | None = None
    mean: Number | None = None
    sd: Number | None = Field(None, gt=0)
    mode: Number | None = None
    a: Number | None = Field(None, gt=0)
    b: Number | None = Field(None, gt=0)
    values: tuple[Number, ...] | None = None
    weights: tuple[Number, ...] | str | None = Field(
        None, description="choice: one weight per value; empirical: the name of the weight column.")
    file: str | None = Field(None, description="empirical: Parquet or CSV file of samples, relative to this file.")
    column: str | None = Field(None, description="empirical: the column holding the samples.")
    joint: str | None = Field(
        None, description="empirical: sample whole rows (quantities with the same joint name share a row).")
    range: tuple[Number, Number] | None = Field(
        None, description="Plausible range of a fixed assumption (for sensitivity analysis)."
    )
    source: str | None = Field(None, description="Id of an entry in the scenario's sources.")
    assumption: bool = Field(False, description="True when the number is a judgement, not a figure.")
    note: str | None = Field(None, description="Free text: what the number means, how it was derived.")

    _samples: empirical.Samples | None = PrivateAttr(None)
    _path: str | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _check_shape(self) -> Quantity:
        given = {f for f in _SHAPE_FIELDS if getattr(self, f) is not None}
        if self.dist is None:
            if self.value is None:
                raise ValueError("give either 'value' or 'dist' (uniform, normal, triangular, beta, choice)")
            extra = given - {"value", "range"}
            if extra:
                raise ValueError(f"a fixed value takes no {', '.join(sorted(extra))}; add 'dist:' for a distribution")
            if self.range is not None and self.range[0] > self.range[1]:
                raise ValueError(f"range [{self.range[0]:g}, {self.range[1]:g}] is reversed: give [low, high]")
            if self.range is not None and not self.range[0] <= self.value <= self.range[1]:
                raise ValueError(f"value {self.value:g} lies outside its range [{self.range[0]:g}, {self.range[1]:g}]")
        else:
            missing = [f for f in _NEEDS[self.dist] if getattr(self, f) is None]
            if missing:
                raise ValueError(f"{self.dist} distribution needs {', '.join(missing)}")
            extra = given - _ALLOWED[self.dist]
            if extra:
                raise ValueError(f"{self.dist} distribution takes no {', '.join(sorted(extra))}")
            lo, hi = self.low, self.high
            if lo is not None and hi is not None and not lo < hi:
                raise ValueError(f"low ({lo:g}) must be below high ({hi:g})")
            if self.dist == "triangular" and not (self.low <= self.mode <= self.high):  # type: ignore[operator]
                raise ValueError("triangular mode must lie between low and high")
            if self.dist != "empirical" and (self.weights is not None and isinstance(self.weights, str)):
                raise ValueError("choice weights must be a list of numbers, one per value")
            if self.dist == "empirical":
                self._load_samples()
            if self.dist == "choice":
                if not self.values:
                    raise ValueError("choice needs at least one value")
                if self.weights is not None and not isinstance(self.weights, str):
                    if len(self.weights) != len(self.values):
                        raise ValueError("choice weights must match values in length")
                    if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                        raise ValueError("choice weights must be non-negative with a positive sum")
            if self.dist not in ("choice", "empirical"):
                s_lo, s_hi = self.support()
                if not s_lo < s_hi:
                    raise ValueError(f"low ({s_lo:g}) must be below high ({s_hi:g})"
                                     + (" (beta defaults: low 0, high 1)" if self.dist == "beta" else ""))
            if self.dist == "normal" and (lo is not None or hi is not None):
                probe = self.from_uniform(np.array([0.0, 1e-9, 0.5, 1 - 1e-9]))
                if not np.all(np.isfinite(probe[1:])):
                    raise ValueError("normal truncation bounds leave (numerically) no probability mass")
        if self.source is None and not self.assumption:
            raise ValueError("needs 'source: <id>' (an entry in sources) or 'assumption: true'")
        return self

    def _load_samples(self) -> None:
        """Read and check an empirical quantity's file (raises ValueError naming file and column)."""
        if self.weights is not None and not isinstance(self.weights, str):
            raise ValueError("empirical weights name a column of the file (e.g. weights: weight), not a list")
        path = empirical.resolve(self.file, _WRITTEN_IN.get())  # type: ignore[arg-type]
        self._samples = empirical.load_samples(path, self.column, self.weights, self.file)  # type: ignore[arg-type]
        self._path = str(path)

    @property
    def samples(self) -> empirical.Samples:
        """The rows of an empirical quantity (its values and normalised weights)."""
        if self._samples is None:
            raise ValueError(f"a {self.dist or 'fixed'} quantity has no samples")
        return self._samples

    def stream(self, column: str) -> str:
        """The random stream (:mod:`simsim.rng`) the input in ``column`` is sampled from.

        ``input:<column>``: each input its own stream; ``joint:<name>`` for an empirical quantity
        with ``joint: name``, so that quantities sharing the name read the same uniform and
        therefore the same row of their file (a posterior's parameters keep their correlations).
        """
        return f"joint:{self.joint}" if self.joint else f"input:{column}"

    @property
    def uncertain(self) -> bool:
        """True if the quantity is a distribution (sampled per run)."""
        return self.dist is not None

    def support(self) -> tuple[float, float]:
        """Smallest interval holding every value the quantity can take."""
        if self.dist is None:
            return (self.value, self.value)  # type: ignore[return-value]
        if self.dist == "choice":
            return (min(self.values), max(self.values))  # type: ignore[arg-type]
        if self.dist == "empirical":
            return (float(self.samples.values.min()), float(self.samples.values.max()))
        if self.dist == "beta":
            return (0.0 if self.low is None else self.low, 1.0 if self.high is None else self.high)
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        return (lo, hi)

    def central(self) -> float:
        """A representative value: the fixed value, or the distribution's mean (ignoring truncation)."""
        if self.dist is None:
            return float(self.value)  # type: ignore[arg-type]
        if self.dist == "uniform":
            return (self.low + self.high) / 2  # type: ignore[operator]
        if self.dist == "normal":
            return float(self.mean)  # type: ignore[arg-type]
        if self.dist == "triangular":
            return (self.low + self.mode + self.high) / 3  # type: ignore[operator]
        if self.dist == "beta":
            lo, hi = self.support()
            return lo + (hi - lo) * self.a / (self.a + self.b)  # type: ignore[operator]
        if self.dist == "empirical":
            return empirical.weighted_mean(self.samples)
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)  # type: ignore[arg-type]
        return float(np.dot(w / w.sum(), self.values))  # type: ignore[arg-type]

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value with ``rng`` (a fixed quantity returns its value and draws nothing)."""
        if self.dist is None:
            return float(self.value)  # type: ignore[arg-type]
        return float(self.from_uniform(rng.random(1))[0])

    def from_uniform(self, u: np.ndarray) -> np.ndarray:
        """Values for uniform draws ``u`` in [0, 1) by the inverse CDF (vectorised).

        Every distribution is sampled this way, so one uniform per quantity and run
        determines the value, whatever the batch of runs it is computed in.
        """
        from scipy import special  # here, not at import: `simsim validate` stays fast

        u = np.asarray(u, dtype=float)
        d = self.dist
        if d is None:
            return np.full(u.shape, float(self.value))  # type: ignore[arg-type]
        if d == "uniform":
            return self.low + u * (self.high - self.low)  # type: ignore[operator]
        if d == "normal":
            if self.low is None and self.high is None:
                return self.mean + self.sd * special.ndtri(u)  # type: ignore[operator]
            # truncated: SciPy's truncnorm inverts the CDF accurately far in the tails too
            from scipy import stats  # only here: importing scipy.stats takes about a second

            s_lo, s_hi = self.support()
            za, zb = (s_lo - self.mean) / self.sd, (s_hi - self.mean) / self.sd  # type: ignore[operator]
            x = stats.truncnorm.ppf(u, za, zb, loc=self.mean, scale=self.sd)
            return np.clip(x, s_lo, s_hi)
        if d == "triangular":
            a, c, b = self.low, self.mode, self.high
            f = (c - a) / (b - a)  # type: ignore[operator]
            left = a + np.sqrt(u * (b - a) * (c - a))  # type: ignore[operator]
            right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))  # type: ignore[operator]
            return np.where(u < f, left, right)
        if d == "beta":
            lo, hi = self.support()
            return lo + (hi - lo) * special.betaincinv(self.a, self.b, u)
        if d == "empirical":
            return self.samples.rows(u) if self.joint else self.samples.marginal(u)
        vals = np.asarray(self.values, dtype=float)
        w = np.ones(len(vals)) if self.weights is None else np.asarray(self.weights, dtype=float)
        cdf = np.cumsum(w / w.sum())
        return vals[np.minimum(np.searchsorted(cdf, u, side="right"), len(vals) - 1)]

    def describe(self) -> str:
        """Short human-readable form, e.g. ``uniform(0.5, 0.9)`` or ``0.95``."""
        if self.dist is None:
            return f"{self.value:g}"
        if self.dist == "uniform":
            return f"uniform({self.low:g}, {self.high:g})"
        if self.dist == "normal":
            lo, hi = self.support()
            bounds = "" if self.low is None and self.high is None else f" in [{lo:g}, {hi:g}]"
            return f"normal({self.mean:g}, {self.sd:g}){bounds}"
        if self.dist == "triangular":
            return f"triangular({self.low:g}, {self.mode:g}, {self.high:g})"
        if self.dist == "beta":
            lo, hi = self.support()
            return f"beta({self.a:g}, {self.b:g}) on [{lo:g}, {hi:g}]"
        if self.dist == "empirical":
            return f"empirical({self.file}: {self.column}, {len(self.samples.values)} rows)"
        return "choice(" + ", ".join(f"{v:g}" for v in self.values) + ")"  # type: ignore[union-attr]
