"""Who reads and writes the park's structure, ratings, subsidies and pipeline (rules in parkparty.access)."""

from organizations.models import (
    Application,
    ApplicationStep,
    Criterion,
    District,
    DuesCollection,
    Grid,
    Honor,
    Organization,
    Park,
    PartyMember,
    Rating,
    RatingEvidence,
    ScoringSheet,
    StarLevel,
    Subsidy,
    SubsidyRule,
)
from parkparty.access import Policy

POLICIES = {
    Park: Policy(park="pk", home_park_reads=True),
    District: Policy(park="park", home_park_reads=True),
    Grid: Policy(park="park", home_park_reads=True),
    Organization: Policy(park="park", path="path"),
    PartyMember: Policy(park="organization__park", path="organization__path", secretary_writes=True),
    # The rating and subsidy rules of a park are public to those who work in it; ratings, subsidies
    # and dues a secretary reads for their subtree only, and only park admins write them.
    StarLevel: Policy(park="park", home_park_reads=True),
    ScoringSheet: Policy(park="park", home_park_reads=True),
    Criterion: Policy(park="sheet__park", home_park_reads=True),
    Rating: Policy(park="park", path="organization__path"),
    RatingEvidence: Policy(park="item__rating__park", path="item__rating__organization__path"),
    Honor: Policy(park="park", home_park_reads=True),
    SubsidyRule: Policy(park="park", home_park_reads=True),
    Subsidy: Policy(park="park", path="organization__path"),
    DuesCollection: Policy(park="park", path="organization__path"),
    # A secretary tracks their subtree's applicants.
    Application: Policy(park="park", path="organization__path", secretary_writes=True),
    ApplicationStep: Policy(park="application__park", path="application__organization__path"),
}
