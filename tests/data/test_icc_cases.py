"""The ICC arrest-warrant record shipped in simsim.data: it loads, is sourced, and counts as stated.

The expected counts below are hand counts from the table as built (docs/data.md lists every row);
if a row is added or corrected, update them from the table, not from the code.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

import simsim.data.icc as icc
from simsim.cli import main
from simsim.data import (
    COURT_RESPONSES,
    OUTCOMES,
    RecordError,
    finding_delays_months,
    icc_cases,
    icc_sources,
    record_counts,
    select_cases,
    unsourced_fields,
)

ALL_IDS = [
    "bashir_tcd_2010", "bashir_ken_2010", "bashir_ken_2010_igad", "bashir_dji_2011", "bashir_tcd_2011",
    "bashir_mwi_2011", "bashir_mwi_2012", "bashir_nga_2013", "bashir_cod_2014", "bashir_zaf_2015",
    "bashir_dji_2016", "bashir_uga_2016", "bashir_jor_2017", "putin_zaf_2023", "putin_mng_2024",
    "putin_bra_2024", "putin_bra_2025", "putin_tjk_2025", "netanyahu_hun_2025",
]


def test_table_loads_with_proper_dtypes():
    df = icc_cases()
    assert list(df.index) == ALL_IDS
    for col in ("visit_date", "response_date", "reversal_date", "withdrawal_notified", "withdrawal_effective"):
        assert pd.api.types.is_datetime64_any_dtype(df[col]), col
    assert str(df["host_party"].dtype) == "boolean" and str(df["sanction"].dtype) == "boolean"
    assert str(df["party_since"].dtype) == "Int64"
    assert list(df["outcome"].cat.categories) == list(OUTCOMES)
    assert list(df["court_response"].cat.categories) == list(COURT_RESPONSES)
    assert df.loc["bashir_jor_2017", "reversal_date"] == pd.Timestamp("2019-05-06")
    assert df.loc["bashir_mwi_2011", "response_decision"] == "ICC-02/05-01/09-139"


def test_every_nonempty_field_has_a_source_and_every_cited_source_exists():
    assert unsourced_fields() == []


def test_the_source_check_can_fail():
    df = icc_cases()
    df.loc["putin_mng_2024", "finding_source"] = ""
    df.loc["bashir_cod_2014", "visit_source"] = "no_such_source"
    problems = unsourced_fields(df)
    assert "putin_mng_2024: column court_response has a value but finding_source is empty" in problems
    assert "bashir_cod_2014: visit_source cites unknown source 'no_such_source'" in problems


def test_every_source_has_a_url_or_document_and_an_access_date():
    src = icc_sources()
    assert ((src["url"] != "") | (src["document"] != "")).all()
    assert src["url"].map(lambda u: u == "" or u.startswith(("http://", "https://"))).all()
    assert src["accessed"].notna().all() and (src["accessed"].dt.date <= date.today()).all()
    cited = {s for col in icc.SOURCE_COLUMNS for v in icc_cases()[col] for s in v.split(";") if s}
    assert cited == set(src.index)  # no source is shipped without being cited


def test_dates_parse_and_the_court_responds_after_the_visit():
    df = icc_cases()
    assert df["visit_date"].notna().all()
    assert df["visit_date"].between("2009-03-04", "2025-12-31").all()  # first warrant (al-Bashir) to end of 2025
    responded = df["response_date"].notna()
    assert (df.loc[responded, "response_date"] >= df.loc[responded, "visit_date"]).all()
    assert (df["reversal_date"].dropna() > df.loc[df["reversal_date"].notna(), "response_date"]).all()
    # a response date exactly when there is a decision; a finding exactly when court_response says so
    assert (responded == df["court_response"].isin(["finding", "informed", "no_finding"])).all()


def test_categories_are_from_the_allowed_sets():
    df = icc_cases()
    assert set(df["outcome"].astype(str)) <= set(OUTCOMES)
    assert set(df["court_response"].astype(str)) <= set(COURT_RESPONSES)
    assert set(df["host_iso3"].str.len()) == {3}


def test_a_malformed_file_is_a_record_error(monkeypatch):
    real = icc._read_csv

    def bad(name):
        df = real(name)
        if name == "icc_cases.csv":
            df.loc[0, "outcome"] = "hosted"
        return df

    monkeypatch.setattr(icc, "_read_csv", bad)
    with pytest.raises(RecordError, match="unknown value.*'hosted'"):
        icc_cases()


def test_counts_equal_hand_counts():
    c = record_counts()
    # Hand count from the table: hosted without arrest by a party: TCD 2010, KEN 2010, DJI 2011, TCD 2011,
    # MWI 2011, NGA 2013, COD 2014, ZAF 2015, DJI 2016, UGA 2016, JOR 2017, MNG 2024, TJK 2025, HUN 2025 = 14.
    # Findings: TCD 2011, MWI 2011, COD 2014, ZAF 2015, DJI 2016, UGA 2016, JOR 2017, MNG 2024, HUN 2025 = 9.
    # Referred: all findings but South Africa = 8; to the UNSC the six al-Bashir ones (not ZAF), to the ASP 8.
    # Informed without finding: TCD 2010, KEN 2010, DJI 2011. No finding: NGA 2013. No decision known: TJK 2025.
    # Reversed: Jordan. Sanction known false for the five 2010-2011 rows (ICC spokesman, 13 Dec 2011), none true.
    # Declined or relocated: Kenya IGAD 2010, Malawi AU 2012, Brazil G20 2024. Remote: South Africa 2023, Brazil 2025.
    assert c.as_dict() == dict(cases=19, arrests=0, non_arrests=14, findings=9, informed=3, no_finding=1,
                               no_decision=1, referred=8, referred_unsc=6, referred_asp=8, reversed=1,
                               sanctioned=0, sanction_known=5, declined_or_relocated=3, remote=2)
    assert c.findings + c.informed + c.no_finding + c.no_decision == c.non_arrests


def test_leave_one_out_counts():
    c = record_counts(exclude=["putin_mng_2024"])
    assert (c.cases, c.non_arrests, c.findings, c.referred, c.referred_asp, c.referred_unsc) == (18, 13, 8, 7, 7, 6)
    bashir = record_counts(select_cases(visitor="bashir"))
    assert (bashir.cases, bashir.non_arrests, bashir.findings, bashir.referred_unsc) == (13, 11, 7, 6)
    with pytest.raises(RecordError, match="did you mean 'putin_mng_2024'"):
        record_counts(exclude=["putin_mgn_2024"])


def test_finding_delays_equal_hand_counted_days():
    # days from visit to finding, counted on a calendar (the DJI 2016 visit is known to the month: 1 May)
    days = {"bashir_tcd_2011": 128, "bashir_mwi_2011": 59, "bashir_cod_2014": 42, "bashir_zaf_2015": 754,
            "bashir_dji_2016": 71, "bashir_uga_2016": 60, "bashir_jor_2017": 257, "putin_mng_2024": 51,
            "netanyahu_hun_2025": 112}
    d = finding_delays_months()
    assert list(d.index) == list(days)
    for cid, n in days.items():
        assert d[cid] == pytest.approx(n / (365.25 / 12))
    assert 1.3 < d.min() < 1.4 and 24.7 < d.max() < 24.8  # "about 1 to 25 months"
    assert list(finding_delays_months(exclude=["bashir_zaf_2015"]).index) == [k for k in days if k != "bashir_zaf_2015"]


def test_filters_accept_names_and_reject_unknown_values_with_a_suggestion():
    assert list(select_cases(visitor="Putin").index) == [i for i in ALL_IDS if i.startswith("putin")]
    assert list(select_cases(visitor="al-Bashir", host="chad").index) == ["bashir_tcd_2010", "bashir_tcd_2011"]
    assert list(select_cases(host="MNG").index) == ["putin_mng_2024"]
    with pytest.raises(RecordError, match="did you mean 'netanyahu'"):
        select_cases(visitor="netanyhu")
    with pytest.raises(RecordError, match="did you mean 'MNG'"):
        select_cases(host="MGN")


def test_cli_lists_the_record(capsys):
    assert main(["cases"]) == 0
    out = capsys.readouterr().out
    assert all(cid in out for cid in ALL_IDS)
    assert "findings of non-compliance: 9" in out
    assert main(["cases", "--visitor", "netanyahu"]) == 0
    out = capsys.readouterr().out
    assert "netanyahu_hun_2025" in out and "putin_mng_2024" not in out


def test_cli_csv_round_trips(capsys):
    assert main(["cases", "--csv"]) == 0
    back = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col="case_id")
    assert list(back.index) == ALL_IDS and back.loc["bashir_zaf_2015", "response_date"] == "2017-07-06"


def test_cli_lists_sources(capsys):
    assert main(["cases", "--host", "JOR", "--sources"]) == 0
    out = capsys.readouterr().out
    assert "ICC-02/05-01/09-397" in out and "ICC-CPI-20171211-PR1349" in out


@pytest.mark.parametrize("args, hint", [
    (["--visitor", "puttin"], "did you mean 'putin'"),
    (["--host", "Mongolai"], "did you mean 'Mongolia'"),
    (["--outcome", "hosted"], "did you mean 'hosted_no_arrest'"),
])
def test_cli_rejects_a_bad_filter_with_exit_2(args, hint, capsys):
    assert main(["cases", *args]) == 2
    err = capsys.readouterr().err
    assert hint in err and "Traceback" not in err and err.count("\n") == 1
