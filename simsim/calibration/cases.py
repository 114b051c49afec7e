"""Cases to calibrate on: a scenario, the outcome that was observed, its category and date.

A case is one scenario (e.g. one visit of the ICC record) with the category of one of its
outcomes that actually happened. The observed outcome comes from the scenario itself (its
top-level ``observed:`` mapping, outcome -> value) or from an *observed table* (CSV or
Parquet, one row per case), which can also give each case's date.

Observed table columns:

========== ==================================================================
scenario   the scenario's ``name:`` or its file name without ``.yaml``
outcome    the outcome's name, e.g. ``decision.MNG`` (a category or bool outcome)
observed   the category that happened (``true``/``false`` for a bool outcome)
date       when it happened (ISO date), for backtests with a cut-off
========== ==================================================================

``scenario`` is required; ``outcome`` and ``observed`` go together (without them the
scenario's ``observed:`` is used); ``date`` is optional. A scenario whose ``observed:`` names
several outcomes is compared on one: the one named by ``outcome=`` (a name, or a prefix such
as ``decision``), else the first listed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simsim.errors import SimsimError
from simsim.scenario.base import did_you_mean
from simsim.scenario.schema import Scenario

ScenarioLike = Scenario | str | os.PathLike[str]


@dataclass(frozen=True)
class Case:
    """One observed case: a scenario, an outcome of it, the category observed and when.

    Attributes
    ----------
    name
        The case's name (the scenario's ``name:``).
    scenario
        The validated scenario.
    outcome
        The outcome compared with what happened (a ``category`` or ``bool`` outcome).
    observed
        The category that happened (``"true"``/``"false"`` for a bool outcome).
    categories
        Every category the outcome can take (the observed one among them).
    date
        When it happened (``NaT`` if unknown).
    """

    name: str
    scenario: Scenario
    outcome: str
    observed: str
    categories: tuple[str, ...]
    date: pd.Timestamp | Any = pd.NaT

    def matches(self, values: Any) -> np.ndarray:
        """Whether each simulated value of the outcome equals the observed category."""
        return as_categories(values) == self.observed


def as_categories(values: Any) -> np.ndarray:
    """Simulated outcome values as category strings (bools as ``"true"``/``"false"``, missing as ``""``)."""
    arr = np.asarray(values)
    if arr.dtype == bool:
        return np.where(arr, "true", "false")
    s = pd.Series(arr, dtype=object)
    out = s.where(s.notna(), "").astype(str).to_numpy()
    out[out == "True"] = "true"
    out[out == "False"] = "false"
    return out


def _load(s: ScenarioLike) -> Scenario:
    if isinstance(s, Scenario):
        return s
    from simsim.scenario import load_scenario

    return load_scenario(s)


def _children(base: Path) -> list[Path]:
    """The YAML files of ``base``'s folder that ``extends:`` it directly."""
    import yaml

    base = base.resolve()
    out = []
    for f in sorted(base.parent.glob("*.yaml")):
        if f.resolve() == base:
            continue
        try:
            with open(f, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except (OSError, yaml.YAMLError):
            continue
        ext = data.get("extends") if isinstance(data, dict) else None
        if isinstance(ext, str) and (f.parent / ext).resolve() == base:
            out.append(f)
    return out


def _observes(path: Path) -> bool:
    """Whether a scenario file names an observed outcome itself (then it is a case, not a base)."""
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and bool(data.get("observed"))


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Scenario files named by ``paths``.

    A file is taken as given, unless it is a base file: one that names no observed outcome and
    that other files of its folder ``extends:``; it then stands for those files (the cases).
    A folder gives its ``*.yaml``. A shipped scenario's name gives its file.
    """
    out: list[Path] = []
    for p in (Path(x) for x in paths):
        if p.is_dir():
            out += sorted(p.glob("*.yaml"))
        elif p.is_file():
            out += ([] if _observes(p) else _children(p)) or [p]
        else:
            from simsim.registry import shipped_scenarios

            shipped = shipped_scenarios()
            if str(p) in shipped:
                out.append(Path(shipped[str(p)]))
                continue
            raise SimsimError(f"scenario '{p}' not found{did_you_mean(str(p), shipped)}")
    seen: set[Path] = set()
    return [f for f in out if not (f.resolve() in seen or seen.add(f.resolve()))]  # type: ignore[func-returns-value]


def read_observed(table: str | os.PathLike[str] | pd.DataFrame) -> pd.DataFrame:
    """Read and check an observed table (see the module docstring for its columns)."""
    if isinstance(table, pd.DataFrame):
        frame, label = table.copy(), "observed table"
    else:
        path = Path(table)
        label = str(path)
        if not path.is_file():
            raise SimsimError(f"observed table '{path}' not found")
        try:
            frame = pd.read_parquet(path) if path.suffix.lower() in (".parquet", ".pq") else pd.read_csv(
                path, dtype=str, keep_default_na=False)
        except Exception as exc:  # unreadable file: one message, no traceback
            raise SimsimError(f"cannot read observed table '{path}': {exc}") from None
    known = ("scenario", "outcome", "observed", "date", "note", "source")
    extra = [c for c in frame.columns if c not in known]
    if extra:
        raise SimsimError(f"{label}: unknown column '{extra[0]}'{did_you_mean(extra[0], known)}; "
                          f"columns: scenario, outcome and observed (together), date, note, source")
    if "scenario" not in frame.columns:
        raise SimsimError(f"{label}: missing column 'scenario' (the scenario's name)")
    if ("outcome" in frame.columns) != ("observed" in frame.columns):
        have, lack = ("outcome", "observed") if "outcome" in frame.columns else ("observed", "outcome")
        raise SimsimError(f"{label}: column '{have}' needs column '{lack}' too")
    frame = frame.astype({c: str for c in ("scenario", "outcome", "observed") if c in frame.columns})
    if "date" in frame.columns:
        dates = pd.to_datetime(frame["date"].replace("", None), errors="coerce")
        bad = frame["date"].astype(str).str.strip().ne("") & dates.isna() & frame["date"].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise SimsimError(f"{label}: row {i + 1}: date '{frame['date'].iloc[i]}' is not a date (YYYY-MM-DD)")
        frame["date"] = dates
    dup = frame["scenario"].duplicated()
    if dup.any():
        raise SimsimError(f"{label}: scenario '{frame['scenario'][dup].iloc[0]}' appears twice")
    return frame.reset_index(drop=True)


def _scenario_observed(scn: Scenario, outcome: str | None) -> tuple[str, str] | None:
    """The (outcome, value) a scenario names as observed (``observed:`` mapping), if any."""
    obs = getattr(scn, "observed", None)
    if not obs or not isinstance(obs, Mapping):
        return None
    names = list(obs)
    if outcome is None:
        name = names[0]
    else:
        matching = [n for n in names if n == outcome or n.startswith(outcome + ".")]
        if not matching:
            raise SimsimError(f"scenario '{scn.name}' observes no outcome '{outcome}'"
                              f"{did_you_mean(outcome, names)}; it observes {', '.join(names)}")
        name = matching[0]
    return str(name), _as_text(obs[name])


def _scenario_date(scn: Scenario) -> Any:
    for attr in ("date", "observed_date"):
        value = getattr(scn, attr, None)
        if value is not None:
            return pd.Timestamp(value)
    return pd.NaT


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_cases(scenarios: Sequence[ScenarioLike] | ScenarioLike,
               observed: str | os.PathLike[str] | pd.DataFrame | None = None,
               outcome: str | None = None) -> list[Case]:
    """The cases: scenarios paired with their observed outcomes.

    Parameters
    ----------
    scenarios
        Scenarios (validated, or paths/names to load), a folder of scenario files, or one base
        file whose cases are the files of its folder that extend it.
    observed
        An observed table (path or DataFrame; see the module docstring). ``None``: the cases
        are the scenarios that name their observed outcome (``observed:``).
    outcome
        Which observed outcome to compare when a scenario's ``observed:`` names several: a name
        or a prefix (``decision`` matches ``decision.MNG``). Default: the first listed.

    Raises
    ------
    SimsimError
        A scenario has no observed outcome, the table names an unknown scenario, outcome or
        category (with a did-you-mean), or an outcome is neither categorical nor boolean.
    """
    from simsim.registry import get_mechanism

    if isinstance(scenarios, (str, os.PathLike, Scenario)):
        scenarios = [scenarios]
    loaded: list[Scenario] = []
    paths = [s for s in scenarios if not isinstance(s, Scenario)]
    if paths:
        files = expand_paths(paths)  # type: ignore[arg-type]
        loaded += [_load(f) for f in files]
    loaded += [s for s in scenarios if isinstance(s, Scenario)]
    if not loaded:
        raise SimsimError("no scenarios given to calibrate on")
    table = read_observed(observed) if observed is not None else None
    by_name: dict[str, Scenario] = {}
    for scn in loaded:
        keys = {scn.name}
        if scn.origin:
            keys.add(Path(scn.origin).stem)
        for k in keys:
            by_name.setdefault(k, scn)
    cases: list[Case] = []
    if table is not None:
        known = sorted({s.name for s in loaded})
        for row in table.itertuples(index=False):
            found = by_name.get(row.scenario)
            if found is None:
                raise SimsimError(f"observed table names scenario '{row.scenario}', which is not among the "
                                  f"scenarios given{did_you_mean(row.scenario, known)}")
            scn = found
            date = getattr(row, "date", pd.NaT)
            date = date if pd.notna(date) else _scenario_date(scn)
            if "outcome" in table.columns:
                obs: tuple[str, str] | None = (row.outcome, row.observed)
                if outcome is not None and not (row.outcome == outcome or row.outcome.startswith(outcome + ".")):
                    raise SimsimError(f"the observed table gives outcome '{row.outcome}' for '{row.scenario}', "
                                      f"not '{outcome}'")
            else:
                obs = _scenario_observed(scn, outcome)
                if obs is None:
                    raise SimsimError(f"scenario '{scn.name}' names no observed outcome (observed:) and the "
                                      "observed table has no outcome and observed columns")
            cases.append(_case(scn, obs[0], obs[1], date, get_mechanism))  # type: ignore[index]
    else:
        for scn in loaded:
            obs = _scenario_observed(scn, outcome)
            if obs is None:
                continue
            cases.append(_case(scn, obs[0], obs[1], _scenario_date(scn), get_mechanism))
        if not cases:
            shown = ", ".join(s.name for s in loaded[:5])
            raise SimsimError(f"none of the scenarios ({shown}) names an observed outcome: pass an observed "
                              "table (--observed TABLE) with columns scenario, outcome, observed[, date]")
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise SimsimError(f"case '{dup}' is given twice")
    return cases


def _case(scn: Scenario, outcome: str, observed: str, date: Any, get_mechanism: Any) -> Case:
    specs = {o.name: o for o in get_mechanism(scn.model).outcome_specs(scn)}
    if outcome not in specs:
        raise SimsimError(f"case '{scn.name}': unknown outcome '{outcome}'{did_you_mean(outcome, specs)}")
    spec = specs[outcome]
    if spec.kind == "bool":
        cats: tuple[str, ...] = ("true", "false")
        observed = observed.strip().lower()
    elif spec.kind == "category" and spec.categories:
        cats = tuple(spec.categories)
    else:
        raise SimsimError(f"case '{scn.name}': outcome '{outcome}' is a {spec.kind}; calibration compares "
                          "categorical or boolean outcomes with what happened")
    if observed not in cats:
        raise SimsimError(f"case '{scn.name}': '{observed}' is not a category of '{outcome}'"
                          f"{did_you_mean(observed, cats)}; categories: {', '.join(cats)}")
    return Case(scn.name, scn, outcome, observed, cats, pd.Timestamp(date) if pd.notna(date) else pd.NaT)
