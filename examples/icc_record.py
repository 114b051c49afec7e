"""The ICC arrest-warrant record, as the dilemma scenarios of ``scenarios/icc_record/`` use it.

The cases are simsim's shipped record (:func:`simsim.data.icc_cases`, ``simsim cases``): every
field sourced there. Each case that can be written as a dilemma scenario has one, named by its
case id (``scenarios/icc_record/bashir_mwi_2011.yaml``), except the flagship, whose scenario is
``mongolia_icc_2024`` (:data:`SCENARIO_OF_CASE`).

:func:`record_priors` turns the record into the priors of the shared parameters, with the
modelled case left out (:func:`simsim.data.record_counts`):

* ``finding_prob`` ~ Beta(1 + k, 1 + n - k): n non-arrests by states parties on which the Court
  decided (a finding, a decision informing the Council and the Assembly without a finding, or a
  decision to make no finding), k of them article 87(7) findings (Laplace's rule of succession:
  a uniform prior updated by the counts); non-arrests with no known decision are left out;
* ``referral_prob`` ~ Beta(1 + k, 1 + n - k): n findings, k referred (a referral later reversed
  on appeal, Jordan 2017, counts as referred: it was made);
* ``sanction_prob`` ~ Beta(1 + k, 1 + n - k): n referrals, k followed by sanctions (none was);
* ``finding_delay``, ``finding_delay_spread``: median and log standard deviation (sample
  standard deviation) of a lognormal fitted to the months from visit to finding
  (:func:`simsim.data.finding_delays_months`).
"""

from __future__ import annotations

import math

import pandas as pd

from simsim.data import finding_delays_months, icc_cases, record_counts

#: scenario names that differ from the case id
SCENARIO_OF_CASE = {"putin_mng_2024": "mongolia_icc_2024"}
#: the observed decision category of each outcome in the table
#: declined or relocated visits that the host called off (the table's notes and sources: Malawi
#: refused to host the 2012 AU summit with the visitor, Kenya's IGAD summit was moved); in the
#: other declined cases it is not known who called the visit off, so ``called_off`` is not observed
HOST_CALLED_OFF = ("bashir_ken_2010_igad", "bashir_mwi_2012")
DECISION_OF_OUTCOME = {"hosted_no_arrest": "no_arrest", "arrest": "arrest",
                       "declined_or_relocated": "declined", "remote": "declined"}


def scenario_of(case_id: str) -> str:
    """The scenario that models a case."""
    return SCENARIO_OF_CASE.get(case_id, case_id)


def observed(case: pd.Series) -> dict:
    """What happened in a case, as the outcomes of the dilemma mechanism (``observed:``)."""
    h = case["host_iso3"]
    out: dict = {f"decision.{h}": DECISION_OF_OUTCOME[case["outcome"]]}
    if case.name in HOST_CALLED_OFF:
        out[f"called_off.{h}"] = True
    if case["outcome"] == "hosted_no_arrest" and case["court_response"] != "none_known":
        out[f"review.{h}"] = "found" if case["finding"] else "not_found"
        if case["finding"]:
            out[f"referral.{h}"] = bool(case["referred_unsc"] or case["referred_asp"])
    return out


def record_priors(exclude: str | None = None, cases: pd.DataFrame | None = None) -> dict:
    """Beta parameters of finding, referral and sanction, and the fitted delay, without case ``exclude``."""
    cases = icc_cases() if cases is None else cases
    ex = [exclude] if exclude else []
    c = record_counts(cases, exclude=ex)
    reviewed = c.findings + c.informed + c.no_finding
    logs = [math.log(x) for x in finding_delays_months(cases, exclude=ex)]
    mu = sum(logs) / len(logs)
    sd = math.sqrt(sum((x - mu) ** 2 for x in logs) / (len(logs) - 1))
    return {
        "finding_prob": (1 + c.findings, 1 + reviewed - c.findings),
        "referral_prob": (1 + c.referred, 1 + c.findings - c.referred),
        "sanction_prob": (1 + c.sanctioned, 1 + c.referred - c.sanctioned),
        "finding_delay": round(math.exp(mu), 2),
        "finding_delay_spread": round(sd, 2),
        "counts": {"reviewed": reviewed, "found": c.findings, "referred": c.referred, "sanctioned": c.sanctioned,
                   "delays": [round(math.exp(x), 2) for x in logs]},
    }


if __name__ == "__main__":
    for case_id in icc_cases().index:
        print(scenario_of(case_id), record_priors(case_id))
