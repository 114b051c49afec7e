"""The ICC record as calibration cases: the dates table against the shipped record, and the case scenarios."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simsim.calibration import load_cases, read_observed

ROOT = Path(__file__).resolve().parents[2]
DATES = ROOT / "docs" / "icc_case_dates.csv"
BASE = ROOT / "scenarios" / "icc_record" / "_base.yaml"


def test_case_dates_are_the_visit_dates_of_the_shipped_record():
    from simsim.data import icc_cases

    record = icc_cases()
    dates = read_observed(DATES)
    assert len(dates) == 19
    for row in dates.itertuples(index=False):
        assert row.source in record.index, row.source
        assert pd.Timestamp(record.loc[row.source, "visit_date"]) == row.date, row.scenario
    # the cut-off 2020 splits them into the al-Bashir era (13) and 2023-2025 (6)
    assert (dates["date"] < "2020-01-01").sum() == 13


@pytest.mark.skipif(not BASE.is_file(), reason="the ICC case scenarios (scenarios/icc_record) are not on this branch")
def test_icc_case_scenarios_load_as_cases_with_their_dates():
    cases = load_cases([BASE, ROOT / "scenarios" / "mongolia_icc_2024.yaml"], DATES, outcome="decision")
    assert len(cases) == 19
    assert all(c.outcome.startswith("decision.") for c in cases)
    # what happened (the record's outcome column, docs/data.md): five visits declined, relocated or
    # attended remotely, fourteen hosted without arrest, no arrest
    declined = sorted(c.name for c in cases if c.observed == "declined")
    assert declined == ["bashir_ken_2010_igad", "bashir_mwi_2012", "putin_bra_2024", "putin_bra_2025",
                        "putin_zaf_2023"]
    assert sum(c.observed == "no_arrest" for c in cases) == 14
    assert all(pd.notna(c.date) for c in cases)
