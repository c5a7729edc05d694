"""The organizations app's models, one module per sub-domain:

- structure: parks, districts, grids, the tree of party organizations and party members;
- ratings: scoring sheets, quarterly star ratings and honours;
- subsidies: subsidy rules, the subsidy ledger and party dues;
- pipeline: the membership pipeline (发展党员).
"""

from organizations.models.pipeline import STAGES, Application, ApplicationStep, Stage
from organizations.models.ratings import (
    GOOD_OR_ABOVE,
    MAX_STARS,
    Classification,
    Criterion,
    Honor,
    Rating,
    RatingEvidence,
    RatingItem,
    ScoringSheet,
    StarLevel,
)
from organizations.models.structure import District, Grid, Organization, Park, PartyMember
from organizations.models.subsidies import DuesCollection, Subsidy, SubsidyKind, SubsidyRate, SubsidyRule

__all__ = [
    "GOOD_OR_ABOVE",
    "MAX_STARS",
    "STAGES",
    "Application",
    "ApplicationStep",
    "Classification",
    "Criterion",
    "District",
    "DuesCollection",
    "Grid",
    "Honor",
    "Organization",
    "Park",
    "PartyMember",
    "Rating",
    "RatingEvidence",
    "RatingItem",
    "ScoringSheet",
    "Stage",
    "StarLevel",
    "Subsidy",
    "SubsidyKind",
    "SubsidyRate",
    "SubsidyRule",
]
