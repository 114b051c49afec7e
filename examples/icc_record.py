"""The ICC arrest-warrant record the case scenarios of ``scenarios/icc_record/`` are built from.

One entry per case that can be written as a dilemma scenario: a visit (or a planned visit) by a
person subject to an ICC arrest warrant to a state party. ``review`` is the Court's response to
a non-compliance: ``found`` (a finding under article 87(7)), ``not_found`` (the Chamber decided
and made no such finding) or ``None`` (no decision known: left out of the counts). Dates are
ISO strings; ``visit_end`` is the last day of the visit, from which the delay to the finding
is measured. Each case names the source ids of its scenario file.

This table is transcribed from the issue text and the sources cited in each scenario; it is
replaced by ``simsim.data.icc_cases()`` when that table lands.

:func:`record_priors` turns the record into the priors of the shared parameters, with the
modelled case left out:

* ``finding_prob`` ~ Beta(1 + k, 1 + n - k): n members' non-compliances with a known review,
  k of them found (Laplace's rule of succession, a uniform prior updated by the counts);
* ``referral_prob`` ~ Beta(1 + k, 1 + n - k): n findings, k referred (a referral later reversed
  on appeal, Jordan 2017, counts as referred: it was made);
* ``sanction_prob`` ~ Beta(1 + k, 1 + n - k): n referrals, k followed by sanctions (none was);
* ``finding_delay``, ``finding_delay_spread``: median and log standard deviation of a lognormal
  fitted (maximum likelihood, sample standard deviation) to the delays in months from the end
  of each visit to the finding.
"""

from __future__ import annotations

import math
from datetime import date

DAYS_PER_MONTH = 365.25 / 12

RECORD: list[dict] = [
    {"case": "icc_tcd_2010", "host": "TCD", "visitor": "SDN", "visit_end": "2010-07-23", "decision": "no_arrest",
     "review": "not_found", "finding_date": None, "referred": None},
    {"case": "icc_ken_2010", "host": "KEN", "visitor": "SDN", "visit_end": "2010-08-27", "decision": "no_arrest",
     "review": "not_found", "finding_date": None, "referred": None},
    {"case": "icc_tcd_2011", "host": "TCD", "visitor": "SDN", "visit_end": "2011-08-08", "decision": "no_arrest",
     "review": "found", "finding_date": "2011-12-13", "referred": True},
    {"case": "icc_mwi_2011", "host": "MWI", "visitor": "SDN", "visit_end": "2011-10-14", "decision": "no_arrest",
     "review": "found", "finding_date": "2011-12-12", "referred": True},
    {"case": "icc_mwi_2012", "host": "MWI", "visitor": "SDN", "visit_end": "2012-07-16", "decision": "declined",
     "review": None, "finding_date": None, "referred": None},
    {"case": "icc_nga_2013", "host": "NGA", "visitor": "SDN", "visit_end": "2013-07-16", "decision": "no_arrest",
     "review": "not_found", "finding_date": None, "referred": None},
    {"case": "icc_cod_2014", "host": "COD", "visitor": "SDN", "visit_end": "2014-02-27", "decision": "no_arrest",
     "review": "found", "finding_date": "2014-04-09", "referred": True},
    {"case": "icc_zaf_2015", "host": "ZAF", "visitor": "SDN", "visit_end": "2015-06-15", "decision": "no_arrest",
     "review": "found", "finding_date": "2017-07-06", "referred": False},
    {"case": "icc_dji_2016", "host": "DJI", "visitor": "SDN", "visit_end": "2016-05-12", "decision": "no_arrest",
     "review": "found", "finding_date": "2016-07-11", "referred": True},
    {"case": "icc_uga_2016", "host": "UGA", "visitor": "SDN", "visit_end": "2016-05-12", "decision": "no_arrest",
     "review": "found", "finding_date": "2016-07-11", "referred": True},
    {"case": "icc_jor_2017", "host": "JOR", "visitor": "SDN", "visit_end": "2017-03-29", "decision": "no_arrest",
     "review": "found", "finding_date": "2017-12-11", "referred": True},
    {"case": "icc_zaf_2023", "host": "ZAF", "visitor": "RUS", "visit_end": "2023-08-24", "decision": "declined",
     "review": None, "finding_date": None, "referred": None},
    {"case": "mongolia_icc_2024", "host": "MNG", "visitor": "RUS", "visit_end": "2024-09-03", "decision": "no_arrest",
     "review": "found", "finding_date": "2024-10-24", "referred": True},
    {"case": "icc_hun_2025", "host": "HUN", "visitor": "ISR", "visit_end": "2025-04-06", "decision": "no_arrest",
     "review": None, "finding_date": None, "referred": None},
    {"case": "icc_tjk_2025", "host": "TJK", "visitor": "RUS", "visit_end": "2025-10-10", "decision": "no_arrest",
     "review": None, "finding_date": None, "referred": None},
]


def delay_months(case: dict) -> float:
    """Months from the end of the visit to the finding."""
    d0 = date.fromisoformat(case["visit_end"])
    d1 = date.fromisoformat(case["finding_date"])
    return (d1 - d0).days / DAYS_PER_MONTH


def record_priors(exclude: str | None = None, record: list[dict] | None = None) -> dict:
    """Beta parameters of finding, referral and sanction, and the fitted delay, without case ``exclude``."""
    rows = [c for c in (RECORD if record is None else record) if c["case"] != exclude]
    reviewed = [c for c in rows if c["review"] is not None]
    found = [c for c in reviewed if c["review"] == "found"]
    referred = [c for c in found if c["referred"]]
    logs = [math.log(delay_months(c)) for c in found]
    mu = sum(logs) / len(logs)
    sd = math.sqrt(sum((x - mu) ** 2 for x in logs) / (len(logs) - 1))
    return {
        "finding_prob": (1 + len(found), 1 + len(reviewed) - len(found)),
        "referral_prob": (1 + len(referred), 1 + len(found) - len(referred)),
        "sanction_prob": (1, 1 + len(referred)),
        "finding_delay": round(math.exp(mu), 2),
        "finding_delay_spread": round(sd, 2),
        "counts": {"reviewed": len(reviewed), "found": len(found), "referred": len(referred), "sanctioned": 0,
                   "delays": [round(math.exp(x), 2) for x in logs]},
    }


if __name__ == "__main__":
    for c in RECORD:
        print(c["case"], record_priors(c["case"]))
