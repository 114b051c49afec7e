"""A comparison of two results (a base case and a counterfactual) as one object.

:func:`simsim.analysis.compare` computes the table (its arithmetic lives there);
:class:`Comparison` keeps it together with the two results, their labels and how the runs
were paired, shows itself compactly in a notebook, and draws itself.

>>> from simsim.comparison import Comparison
>>> cmp = Comparison.of(res, res_cf)          # doctest: +SKIP
>>> cmp.table                                 # doctest: +SKIP
>>> cmp.figure()                              # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from simsim.plotting import SimsimFigure
    from simsim.results import Results


def pairing_of(a: Results, b: Results, table: pd.DataFrame) -> str:
    """How the runs of ``a`` and ``b`` were paired in ``table``.

    ``compare`` may say so itself (``table.attrs["pairing"]``); otherwise its intervals treat
    the two samples as independent. When both results used the same master seed and number of
    runs, run i of each drew the same seed (common random numbers); that is noted.
    """
    said = table.attrs.get("pairing")
    if said:
        return str(said)
    same = a.seed == b.seed and len(a.runs) == len(b.runs)
    return "independent samples" + (" (the runs share seeds: common random numbers)" if same else "")


@dataclass(frozen=True)
class Comparison:
    """Two results compared outcome by outcome: ``table`` has one row per outcome (and category).

    Attributes
    ----------
    a, b
        The results compared; differences are ``b - a``.
    table
        The table of :func:`simsim.analysis.compare` (``label``, ``kind``, estimates and 95%
        intervals of each side, ``difference``, ``diff_low``, ``diff_high``).
    labels
        Names of the two sides, never equal (the scenario name and its overrides; see
        :func:`simsim.plotting.distinct_labels`).
    pairing
        How the runs were paired for the intervals (see :func:`pairing_of`).
    """

    a: Results
    b: Results
    table: pd.DataFrame
    labels: tuple[str, str]
    pairing: str

    @classmethod
    def of(cls, a: Results, b: Results, outcomes: list[str] | None = None) -> Comparison:
        """Compare ``outcomes`` (default: ``a``'s main outcomes that ``b`` has) in ``a`` and ``b``."""
        from simsim.analysis import compare
        from simsim.plotting import distinct_labels

        table = compare(a, b, outcomes)
        return cls(a, b, table, distinct_labels(a, b), pairing_of(a, b, table))

    def figure(self) -> SimsimFigure:
        """Estimates of both sides and the difference b - a, each outcome on one scale."""
        from simsim.plotting import comparison_figure

        return comparison_figure(self.a, self.b, labels=self.labels, table=self.table)

    def __repr__(self) -> str:
        return (f"Comparison(a={self.labels[0]!r}, b={self.labels[1]!r}, outcomes={len(self.table)}, "
                f"runs=({len(self.a.runs)}, {len(self.b.runs)}))")

    def _repr_html_(self) -> str:
        from simsim.display import comparison_html

        return comparison_html(self)
