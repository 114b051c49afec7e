"""A mechanism with a known likelihood, for calibration tests: each run succeeds with probability theta.

Cases that share ``theta`` with a Beta(a, b) prior, k of n observed successes: the exact
posterior is Beta(a + k, b + n - k) (conjugacy), which the ABC posterior must reproduce.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from simsim.model import DiplomacyModel, OutcomeSpec, Param
from simsim.registry import _MECHANISMS


class BernoulliModel(DiplomacyModel):
    """Outcome ``result``: ``success`` with probability ``theta``, else ``failure`` (one uniform per run)."""

    name: ClassVar[str] = "bernoulli_test"
    citation: ClassVar[str] = "test mechanism"
    parameters: ClassVar[dict[str, Param]] = {
        "theta": Param(0.5, 0.0, 1.0, "success probability"),
        "offset": Param(0.0, -1.0, 1.0, "added to theta in this case (clipped to [0, 1])"),
    }
    vectorised: ClassVar[bool] = True

    @classmethod
    def outcome_specs(cls, scenario: Any) -> list[OutcomeSpec]:
        return [OutcomeSpec("result", "category", "success or failure", ("success", "failure")),
                OutcomeSpec("draw", "number", "the uniform")]

    def setup(self) -> None:
        self.u = self.uniforms("result")

    def advance(self) -> None:
        pass

    def outcomes(self) -> dict[str, Any]:
        p = np.clip(self.p["theta"] + self.p["offset"], 0.0, 1.0)
        return {"result": np.where(self.u < p, "success", "failure").astype(object), "draw": self.u}


def register() -> None:
    _MECHANISMS[BernoulliModel.name] = BernoulliModel


def unregister() -> None:
    _MECHANISMS.pop(BernoulliModel.name, None)


BASE = """\
name: bern_base
description: Base of the Bernoulli test cases.
model: bernoulli_test
steps: 1
actors:
  - {{id: AAA, name: A}}
parameters:
  theta: {{dist: beta, a: {a}, b: {b}, assumption: true}}
"""

CASE = """\
extends: base.yaml
name: {name}
description: One Bernoulli case.
"""


def write_cases(folder: Path, outcomes: list[str], a: float = 2.0, b: float = 2.0,
                dates: list[str] | None = None, offsets: list[float] | None = None) -> Path:
    """Write base.yaml, one case file per outcome and observed.csv into ``folder``; return the table."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.yaml").write_text(BASE.format(a=a, b=b))
    rows = ["scenario,outcome,observed,date"]
    for i, obs in enumerate(outcomes):
        name = f"case{i:02d}"
        text = CASE.format(name=name)
        if offsets is not None:
            text += f"parameters:\n  offset: {{value: {offsets[i]}, assumption: true}}\n"
        (folder / f"{name}.yaml").write_text(text)
        date = dates[i] if dates else f"{2000 + i}-01-01"
        rows.append(f"{name},result,{obs},{date}")
    table = folder / "observed.csv"
    table.write_text("\n".join(rows) + "\n")
    return table
