"""``simsim cases``: list the ICC arrest-warrant record shipped with simsim (``docs/data.md``)."""

from __future__ import annotations

import argparse
import sys

NAME = "cases"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``cases`` subcommand to the ``simsim`` parser."""
    p = sub.add_parser(NAME, help="list the ICC arrest-warrant record (visits, the Court's response, sources)")
    p.add_argument("--visitor", help="only this visitor (surname or full name, e.g. putin, al-bashir)")
    p.add_argument("--host", help="only this host (ISO3 code or name, e.g. MNG, Chad)")
    p.add_argument("--outcome", help="only this outcome (declined_or_relocated, remote, hosted_no_arrest, arrest)")
    p.add_argument("--csv", action="store_true", help="print the selected rows as CSV (every column)")
    p.add_argument("--sources", action="store_true", help="list the sources the selected rows cite")


def _date(v: object) -> str:
    import pandas as pd

    return "" if v is None or v is pd.NaT or pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d")


def run(args: argparse.Namespace) -> int:
    """List the record (or the rows matching the filters) and the counts derived from it."""
    from simsim.data import icc_cases, icc_sources, record_counts, select_cases

    rows = select_cases(icc_cases(), visitor=args.visitor, host=args.host, outcome=args.outcome)
    if rows.empty:  # every filter value exists, but no case has them all
        print("no case matches all of these filters")
        return 0
    if args.csv:
        rows.to_csv(sys.stdout, date_format="%Y-%m-%d")
        return 0
    if args.sources:
        ids = sorted({s for col in rows.columns if col.endswith("_source") for v in rows[col] for s in v.split(";")
                      if s})
        src = icc_sources().loc[ids]
        for sid, s in src.iterrows():
            where = "  ".join(x for x in (s["document"], s["url"]) if x)
            print(f"{sid}\n  {s['title']} ({s['publisher']})\n  {where}  [accessed {_date(s['accessed'])}]")
        return 0
    header = f"{'case':<20} {'visit':<10}  {'host':<4} {'visitor':<10} {'outcome':<21} {'court':<10} {'decided':<10}" \
             f"  {'months':>6}  referred"
    print(header)
    print("-" * len(header))
    for cid, r in rows.iterrows():
        visit = _date(r["visit_date"])[: 7 if r["date_precision"] == "month" else 10]
        months = "" if r["delay_months"] != r["delay_months"] else f"{r['delay_months']:.1f}"
        referred = r["referral_to"].replace(";", "+")
        if r["reversed"]:
            referred += f" (reversed {_date(r['reversal_date'])})"
        elif r["finding"] and not referred:
            referred = "no"
        print(f"{cid:<20} {visit:<10}  {r['host_iso3']:<4} {r['visitor'].split()[-1]:<10} {r['outcome']:<21} "
              f"{r['court_response']:<10} {_date(r['response_date']):<10}  {months:>6}  {referred}")
    c = record_counts(rows)
    print(f"\n{c.cases} cases. Visits to a state party without arrest: {c.non_arrests}; findings of non-compliance: "
          f"{c.findings} (referred {c.referred}: UNSC {c.referred_unsc}, ASP {c.referred_asp}; reversed {c.reversed}); "
          f"informed without finding: {c.informed}; no finding: {c.no_finding}; no known decision: {c.no_decision}; "
          f"sanctions: {c.sanctioned} (known for {c.sanction_known}); arrests: {c.arrests}; "
          f"declined or relocated: {c.declined_or_relocated}; remote: {c.remote}.")
    print("Sources: simsim cases --sources; every column: simsim cases --csv; docs/data.md describes the record.")
    return 0
