"""Park-wide figures: park admins and viewers read them (API tokens too); park admins ask for them."""

from parkparty.access import Policy
from reports.models import CoverageSnapshot, Report

POLICIES = {
    Report: Policy(park="park"),
    CoverageSnapshot: Policy(park="park"),
}
