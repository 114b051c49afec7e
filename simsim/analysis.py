"""Analysis across results: comparisons between scenarios (e.g. a counterfactual and its base).

Differences of proportions use Newcombe's hybrid score interval (method 10 in Newcombe
1998, built from the two Wilson intervals); differences of means use the normal
approximation with unpooled variances (Welch).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from simsim.errors import ResultsError
from simsim.results import Z95

if TYPE_CHECKING:
    from simsim.results import Results


def newcombe_interval(p1: float, l1: float, u1: float, p2: float, l2: float, u2: float) -> tuple[float, float]:
    """95% interval for ``p1 - p2`` from the two proportions and their Wilson intervals.

    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. *Statistics in Medicine* 17(8), 873-890 (method 10).
    """
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (lo, hi)


def compare(a: Results, b: Results, outcomes: list[str] | None = None) -> pd.DataFrame:
    """Compare the same outcomes in two results.

    Parameters
    ----------
    a, b
        Results of two scenarios with the same mechanism (e.g. a base case and a counterfactual).
    outcomes
        Outcome names; default: ``a``'s main outcomes that ``b`` also has.

    Returns
    -------
    DataFrame
        One row per outcome (and category): ``label``, ``kind``, ``estimate_a``, ``ci_low_a``,
        ``ci_high_a``, the same for ``b``, ``difference`` (b - a) and its 95% interval.
    """
    specs_b = {s["name"] for s in b.outcome_specs}
    names = outcomes or [o for o in a.main_outcomes if o in specs_b]
    if not names:
        raise ResultsError(f"the results share no main outcome to compare ('{a.metadata['scenario']['name']}' "
                           f"and '{b.metadata['scenario']['name']}'); name outcomes explicitly")
    missing = [o for o in names if o not in specs_b]
    if missing:
        raise ResultsError(f"outcome(s) not in both results: {', '.join(missing)}")
    sa, sb = a.summary(names), b.summary(names)
    key = ["outcome", "category"]
    sa["category"] = sa["category"].fillna("")
    sb["category"] = sb["category"].fillna("")
    m = sa.merge(sb, on=key, suffixes=("_a", "_b"))
    rows: list[dict[str, Any]] = []
    for r in m.itertuples(index=False):
        if r.kind_a == "number":
            se = math.sqrt((r.sd_a or 0) ** 2 / max(r.n_a, 1) + (r.sd_b or 0) ** 2 / max(r.n_b, 1))
            d = r.estimate_b - r.estimate_a
            lo, hi = d - Z95 * se, d + Z95 * se
        else:
            lo_d, hi_d = newcombe_interval(r.estimate_b, r.ci_low_b, r.ci_high_b,
                                           r.estimate_a, r.ci_low_a, r.ci_high_a)
            d, lo, hi = r.estimate_b - r.estimate_a, lo_d, hi_d
        rows.append({"label": f"{r.outcome}: {r.category}" if r.category else r.outcome, "kind": r.kind_a,
                     "estimate_a": r.estimate_a, "ci_low_a": r.ci_low_a, "ci_high_a": r.ci_high_a,
                     "estimate_b": r.estimate_b, "ci_low_b": r.ci_low_b, "ci_high_b": r.ci_high_b,
                     "difference": d, "diff_low": lo, "diff_high": hi})
    return pd.DataFrame(rows)
