"""The ICC arrest-warrant record: visits by persons subject to an ICC arrest warrant to states parties.

Two tables ship with the package (``simsim/data/icc_cases.csv`` and ``icc_sources.csv``; the
columns, categories and sourcing are described in ``docs/data.md``):

- :func:`icc_cases`: one row per case, 2010-2025: a visit to a state party, or a visit that was
  declined, relocated or attended remotely, with the Court's response and what followed;
- :func:`icc_sources`: the sources the cases cite by id, each with a URL and/or a document number
  and the date it was accessed.

:func:`record_counts` and :func:`finding_delays_months` derive the counts and delays that
priors over findings, referrals and sanctions are built from; each count is defined in
:class:`RecordCounts`.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib import resources

import numpy as np
import pandas as pd

from simsim.errors import SimsimError

#: What happened to a visit.
OUTCOMES: tuple[str, ...] = ("declined_or_relocated", "remote", "hosted_no_arrest", "arrest")
#: What the Court did about it: an article 87(7) finding of non-compliance; a decision informing
#: the UNSC and the ASP of the visit without a finding; a decision that made no finding; no
#: decision known by the access date.
COURT_RESPONSES: tuple[str, ...] = ("finding", "informed", "no_finding", "none_known")
#: Bodies a finding can be referred to.
REFERRAL_BODIES: tuple[str, ...] = ("UNSC", "ASP")
#: Each source column and the data columns it vouches for.
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "visit_source": ("visitor", "host_iso3", "host_name", "visit_date", "date_precision", "event", "outcome"),
    "party_source": ("host_party", "party_since"),
    "finding_source": ("court_response", "response_date", "response_decision"),
    "referral_source": ("referral_to",),
    "reversal_source": ("reversal_date", "reversal_decision"),
    "consequence_source": ("sanction", "consequence"),
    "withdrawal_source": ("withdrawal_notified", "withdrawal_effective"),
}
_DATE_COLUMNS = ("visit_date", "response_date", "reversal_date", "withdrawal_notified", "withdrawal_effective")
_DAYS_PER_MONTH = 365.25 / 12


class RecordError(SimsimError):
    """The shipped record is malformed, or a filter names a case, visitor or host that is not in it."""


def _read_csv(name: str) -> pd.DataFrame:
    text = resources.files("simsim.data").joinpath(name).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _bool(column: pd.Series, name: str) -> pd.Series:
    bad = sorted(set(column) - {"true", "false", ""})
    if bad:
        raise RecordError(f"icc_cases.csv: column {name}: expected true, false or empty, got {bad}")
    return column.map({"true": True, "false": False, "": pd.NA}).astype("boolean")


def _check_category(column: pd.Series, allowed: tuple[str, ...], name: str) -> None:
    bad = sorted(set(column) - set(allowed))
    if bad:
        raise RecordError(f"icc_cases.csv: column {name}: unknown value(s) {bad}; allowed: {', '.join(allowed)}")


def icc_sources() -> pd.DataFrame:
    """The sources the case table cites.

    Returns
    -------
    pandas.DataFrame
        One row per source, indexed by ``source_id``: ``title``, ``publisher``, ``url`` (empty
        string if none), ``document`` (an ICC document number, press-release number or DOI;
        empty if none), ``accessed`` (datetime64) and ``note`` (what the source is cited for).
    """
    df = _read_csv("icc_sources.csv")
    if df["source_id"].duplicated().any():
        dup = sorted(df.loc[df["source_id"].duplicated(), "source_id"])
        raise RecordError(f"icc_sources.csv: duplicate source_id {dup}")
    df["accessed"] = pd.to_datetime(df["accessed"], format="%Y-%m-%d")
    return df.set_index("source_id")


def icc_cases() -> pd.DataFrame:
    """The case table: one row per visit, or declined, relocated or remote visit.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``case_id``. Dates are datetime64 (NaT where empty); ``host_party`` and
        ``sanction`` are nullable booleans (``sanction`` is NA where no source says whether a
        sanction followed); ``party_since`` is a nullable integer (year); ``outcome`` and
        ``court_response`` are categoricals over :data:`OUTCOMES` and :data:`COURT_RESPONSES`;
        the ``*_source`` columns hold ``;``-separated ids of :func:`icc_sources`. Derived
        columns: ``finding`` (an article 87(7) finding was made), ``referred_unsc``,
        ``referred_asp``, ``reversed`` (booleans) and ``delay_months`` (visit to the Court's
        decision, in months of 365.25/12 days; NaN without a decision).

    Raises
    ------
    RecordError
        If the shipped files are malformed (unknown category, unparsable date or flag).
    """
    df = _read_csv("icc_cases.csv")
    if df["case_id"].duplicated().any():
        raise RecordError(f"icc_cases.csv: duplicate case_id {sorted(df.loc[df.case_id.duplicated(), 'case_id'])}")
    _check_category(df["outcome"], OUTCOMES, "outcome")
    _check_category(df["court_response"], COURT_RESPONSES, "court_response")
    _check_category(df["date_precision"], ("day", "month"), "date_precision")
    for ref in df["referral_to"]:
        _check_category(pd.Series([b for b in ref.split(";") if b], dtype=str), REFERRAL_BODIES, "referral_to")
    for col in _DATE_COLUMNS:
        try:
            df[col] = pd.to_datetime(df[col].replace("", None), format="%Y-%m-%d")
        except ValueError as exc:
            raise RecordError(f"icc_cases.csv: column {col}: {exc}") from None
    df["host_party"] = _bool(df["host_party"], "host_party")
    df["sanction"] = _bool(df["sanction"], "sanction")
    df["party_since"] = pd.to_numeric(df["party_since"].replace("", None)).astype("Int64")
    df["outcome"] = pd.Categorical(df["outcome"], categories=OUTCOMES)
    df["court_response"] = pd.Categorical(df["court_response"], categories=COURT_RESPONSES)
    df["finding"] = (df["court_response"] == "finding").astype(bool)
    df["referred_unsc"] = df["referral_to"].str.split(";").map(lambda b: "UNSC" in b).astype(bool)
    df["referred_asp"] = df["referral_to"].str.split(";").map(lambda b: "ASP" in b).astype(bool)
    df["reversed"] = df["reversal_date"].notna()
    df["delay_months"] = (df["response_date"] - df["visit_date"]).dt.days / _DAYS_PER_MONTH
    return df.set_index("case_id")


def _did_you_mean(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value.lower(), [c.lower() for c in choices], n=1, cutoff=0.5)
    lookup = {c.lower(): c for c in choices}
    return f" (did you mean '{lookup[close[0]]}'?)" if close else ""


def _visitor_keys(name: str) -> set[str]:
    """Ways to name a visitor: full name, surname, surname without the ``al-`` article."""
    surname = name.split()[-1]
    return {name.lower(), surname.lower(), surname.lower().removeprefix("al-")}


def select_cases(
    cases: pd.DataFrame | None = None,
    *,
    visitor: str | None = None,
    host: str | None = None,
    outcome: str | None = None,
    exclude: Iterable[str] = (),
) -> pd.DataFrame:
    """Rows of the case table that match every filter given.

    Parameters
    ----------
    cases
        The table (default: :func:`icc_cases`).
    visitor
        Full name or surname, any case (``putin``, ``bashir``, ``al-bashir``).
    host
        ISO 3166 alpha-3 code or name of the host, any case.
    outcome
        One of :data:`OUTCOMES`.
    exclude
        Case ids to leave out (e.g. the case being modelled, for leave-one-out priors).

    Returns
    -------
    pandas.DataFrame
        The matching rows, in table order.

    Raises
    ------
    RecordError
        If a filter value matches nothing in the table (with a did-you-mean suggestion), or
        an excluded id is not a case id.
    """
    df = icc_cases() if cases is None else cases
    mask = pd.Series(True, index=df.index)
    if visitor is not None:
        keys = {v: _visitor_keys(v) for v in df["visitor"].unique()}
        hits = [v for v, k in keys.items() if visitor.strip().lower() in k]
        if not hits:
            names = sorted({k for ks in keys.values() for k in ks})
            raise RecordError(f"unknown visitor '{visitor}'{_did_you_mean(visitor, names)}; "
                              f"the record has: {', '.join(sorted(keys))}")
        mask &= df["visitor"].isin(hits)
    if host is not None:
        h = host.strip().lower()
        hit = (df["host_iso3"].str.lower() == h) | (df["host_name"].str.lower() == h)
        if not hit.any():
            names = sorted(set(df["host_iso3"]) | set(df["host_name"]))
            raise RecordError(f"unknown host '{host}'{_did_you_mean(host, names)}; "
                              f"the record has: {', '.join(sorted(set(df['host_iso3'])))}")
        mask &= hit
    if outcome is not None:
        if outcome not in OUTCOMES:
            raise RecordError(f"unknown outcome '{outcome}'{_did_you_mean(outcome, OUTCOMES)}; "
                              f"allowed: {', '.join(OUTCOMES)}")
        mask &= df["outcome"] == outcome
    exclude = list(exclude)
    unknown = [c for c in exclude if c not in df.index]
    if unknown:
        raise RecordError(f"unknown case id '{unknown[0]}'{_did_you_mean(unknown[0], df.index)}")
    mask &= ~df.index.isin(exclude)
    return df[mask]


@dataclass(frozen=True)
class RecordCounts:
    """Counts over (a selection of) the case table.

    Attributes
    ----------
    cases
        Rows counted.
    arrests
        Visits to a state party that ended in the visitor's arrest.
    non_arrests
        Visits to a state party hosted without arrest (``outcome == hosted_no_arrest`` and
        ``host_party``): the cases in which the Court could respond to non-compliance.
    findings
        Non-arrests followed by an article 87(7) finding of non-compliance.
    informed
        Non-arrests after which the Court informed the UNSC and the ASP of the visit without
        a finding (2010-2011 practice).
    no_finding
        Non-arrests after which the Court decided to make no finding.
    no_decision
        Non-arrests with no known decision of the Court by the access date.
    referred
        Findings referred to the UNSC, the ASP or both by the chamber that made them (a
        referral later reversed on appeal still counts here and in ``reversed``).
    referred_unsc, referred_asp
        Findings referred to the Security Council, to the Assembly of States Parties.
    reversed
        Referrals reversed on appeal.
    sanctioned
        Rows whose ``sanction`` is true: a sanction by the UNSC, the ASP or a state that a
        source ties to the non-arrest.
    sanction_known
        Rows where a source says whether a sanction followed (``sanction`` not NA).
    declined_or_relocated
        Visits declined by the visitor or host, or events moved elsewhere.
    remote
        Events the visitor attended remotely instead of travelling.
    """

    cases: int
    arrests: int
    non_arrests: int
    findings: int
    informed: int
    no_finding: int
    no_decision: int
    referred: int
    referred_unsc: int
    referred_asp: int
    reversed: int
    sanctioned: int
    sanction_known: int
    declined_or_relocated: int
    remote: int

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict."""
        return asdict(self)


def record_counts(cases: pd.DataFrame | None = None, *, exclude: Iterable[str] = ()) -> RecordCounts:
    """Count the record (see :class:`RecordCounts` for what each count counts).

    Parameters
    ----------
    cases
        The table or a selection of it (default: the whole :func:`icc_cases`).
    exclude
        Case ids to leave out, e.g. the modelled case for a leave-one-out prior such as
        ``Beta(1 + findings, 1 + non_arrests - findings)``.

    Returns
    -------
    RecordCounts
    """
    df = select_cases(cases, exclude=exclude)
    party = df["host_party"].fillna(False).astype(bool)
    hosted = party & (df["outcome"] == "hosted_no_arrest")
    resp = df["court_response"]
    findings = hosted & df["finding"]
    referred = findings & (df["referred_unsc"] | df["referred_asp"])
    return RecordCounts(
        cases=len(df),
        arrests=int((party & (df["outcome"] == "arrest")).sum()),
        non_arrests=int(hosted.sum()),
        findings=int(findings.sum()),
        informed=int((hosted & (resp == "informed")).sum()),
        no_finding=int((hosted & (resp == "no_finding")).sum()),
        no_decision=int((hosted & (resp == "none_known")).sum()),
        referred=int(referred.sum()),
        referred_unsc=int((findings & df["referred_unsc"]).sum()),
        referred_asp=int((findings & df["referred_asp"]).sum()),
        reversed=int((referred & df["reversed"]).sum()),
        sanctioned=int(df["sanction"].fillna(False).astype(bool).sum()),
        sanction_known=int(df["sanction"].notna().sum()),
        declined_or_relocated=int((df["outcome"] == "declined_or_relocated").sum()),
        remote=int((df["outcome"] == "remote").sum()),
    )


def finding_delays_months(cases: pd.DataFrame | None = None, *, exclude: Iterable[str] = ()) -> pd.Series:
    """Months from visit to article 87(7) finding, one value per finding.

    Parameters
    ----------
    cases
        The table or a selection of it (default: the whole :func:`icc_cases`).
    exclude
        Case ids to leave out.

    Returns
    -------
    pandas.Series
        Float months (days / (365.25/12)) indexed by case id, in table order. For a visit
        dated only to the month (``date_precision == "month"``) the visit is taken as the
        first day of that month, so its delay is an upper bound, at most one month too long.
    """
    df = select_cases(cases, exclude=exclude)
    d = df.loc[df["finding"], "delay_months"].astype(float)
    if (d < 0).any() or d.isna().any():  # a finding before its visit would be a data error
        raise RecordError(f"icc_cases.csv: finding dated before or without its visit: {list(d[~(d >= 0)].index)}")
    return d.rename("delay_months")


def unsourced_fields(cases: pd.DataFrame | None = None, sources: pd.DataFrame | None = None) -> list[str]:
    """Every non-empty field without a source, and every cited source id that does not exist.

    Parameters
    ----------
    cases, sources
        The tables (default: the shipped ones).

    Returns
    -------
    list of str
        One message per problem, ``"case_id: column ..."``; empty if the record is fully sourced.
    """
    df = icc_cases() if cases is None else cases
    src = icc_sources() if sources is None else sources
    problems = []
    for case_id, row in df.iterrows():
        for src_col, cols in SOURCE_COLUMNS.items():
            ids = [s for s in str(row[src_col]).split(";") if s]
            for col in cols:
                v = row[col]
                empty = v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v == ""
                empty = empty or (col == "court_response" and v == "none_known")  # an absence, see docs/data.md
                if not empty and not ids:
                    problems.append(f"{case_id}: column {col} has a value but {src_col} is empty")
            problems += [f"{case_id}: {src_col} cites unknown source '{s}'" for s in ids if s not in src.index]
        # a finding must say whether it was referred: its referral_source is required even when referral_to is empty
        if row["court_response"] == "finding" and not str(row["referral_source"]):
            problems.append(f"{case_id}: finding without referral_source")
    return problems
