"""DESIGN.md's performance targets, and which of them `make bench` can measure yet."""

from __future__ import annotations

from dataclasses import dataclass

# Coverage stats must answer at least this share of the API root's requests per second.
STATS_RATIO_TARGET = 0.5
# The county's monthly report: every park's, in this many seconds and MiB at most.
REPORT_SECONDS = 30
REPORT_MIB = 512


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    # Why it cannot be measured yet; empty once the bench measures it.
    pending: str = ""


TARGETS = (
    Target("coverage statistics", f"≥ {STATS_RATIO_TARGET}× the API root's requests/s on the same server"),
    Target("list pages", "a page of 50 in a constant number of queries, independent of page size"),
    Target(
        "meetings",
        "500,000 meetings in the synthetic county",
        pending="no meeting model yet: add a meetings Step to county.STEPS when it lands",
    ),
    Target("monthly report", f"the whole county in ≤ {REPORT_SECONDS} s and ≤ {REPORT_MIB} MB"),
    Target("Excel import", "a 10,000-row enterprise workbook previewed and committed, each in ≤ 1 min"),
    Target("Excel export", "100,000 enterprises streamed in bounded memory"),
)


def pending() -> list[Target]:
    return [target for target in TARGETS if target.pending]
