"""The organizations app's models. The structure lives here; each sub-domain owns its models beside
its services, selectors, API, views and admin, and Django finds them through this package:

- structure (here): parks, districts, grids, the tree of party organizations and party members;
- organizations.ratings.models: scoring sheets, quarterly star ratings and honours;
- organizations.subsidies.models: subsidy rules, the subsidy ledger and party dues;
- organizations.pipeline.models: the membership pipeline (发展党员).
"""

from organizations.models.structure import District, Grid, Organization, Park, PartyMember
from organizations.pipeline.models import STAGES, Application, ApplicationStep, Stage
from organizations.ratings.models import (
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
from organizations.subsidies.models import DuesCollection, Subsidy, SubsidyKind, SubsidyRate, SubsidyRule

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
