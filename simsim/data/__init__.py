"""Reference data shipped with simsim.

The ICC arrest-warrant record (``docs/data.md``): :func:`icc_cases`, :func:`icc_sources`, and the
counts that priors are built from, :func:`record_counts` and :func:`finding_delays_months`.
"""

from simsim.data.icc import (
    COURT_RESPONSES,
    OUTCOMES,
    REFERRAL_BODIES,
    RecordCounts,
    RecordError,
    finding_delays_months,
    icc_cases,
    icc_sources,
    record_counts,
    select_cases,
    unsourced_fields,
)

__all__ = [
    "COURT_RESPONSES",
    "OUTCOMES",
    "REFERRAL_BODIES",
    "RecordCounts",
    "RecordError",
    "finding_delays_months",
    "icc_cases",
    "icc_sources",
    "record_counts",
    "select_cases",
    "unsourced_fields",
]
