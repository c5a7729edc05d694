"""Writes about scoring sheets, star levels, quarterly ratings and honours.

API views, pages, the admin and the demo loader call these; each validates before it writes and runs in
one transaction. A confirmed rating changes only with a reason, which its history keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from organizations.models import (
    Classification,
    Criterion,
    Honor,
    Organization,
    Park,
    Rating,
    RatingEvidence,
    RatingItem,
    ScoringSheet,
    StarLevel,
)
from organizations.ratings import selectors
from parkparty import access
from parkparty.dates import quarter_bounds, year_in_range
from parkparty.history import change_reason_errors, user_or_none
from parkparty.uploads import store_upload

CENT = Decimal("0.01")


# --- star levels -----------------------------------------------------------------------------------

# Five levels on a 100-point sheet; the upper two are "good or above" (良好及以上).
DEFAULT_STAR_LEVELS = (
    (5, Decimal(90), Classification.DEMONSTRATION),
    (4, Decimal(80), Classification.STANDARD),
    (3, Decimal(70), Classification.GROWING),
    (2, Decimal(60), Classification.GROWING),
    (1, Decimal(0), Classification.INCUBATING),
)


@transaction.atomic
def star_levels_install_defaults(*, park: Park, actor=None) -> int:
    """Give a park the default thresholds it has none of; returns how many were added."""
    access.require_admin(actor, park.pk, _("Only a park admin sets the park's star levels."))
    existing = set(park.star_levels.values_list("stars", flat=True))
    levels = [
        StarLevel(park=park, stars=stars, min_score=score, classification=classification)
        for stars, score, classification in DEFAULT_STAR_LEVELS
        if stars not in existing
    ]
    bulk_create_with_history(levels, StarLevel)
    return len(levels)


def _out_of_order(level: StarLevel, others) -> str:
    """Why `level`'s minimum does not fit between the other levels' ("" when it does)."""
    for other in others:
        above = other.stars > level.stars and other.min_score <= level.min_score
        below = other.stars < level.stars and other.min_score >= level.min_score
        if above or below:
            message = _("More stars need a higher minimum score: %(stars)s stars start at %(score)s.")
            return message % {"stars": other.stars, "score": other.min_score}
    return ""


def threshold_errors(levels: list[StarLevel]) -> dict[int, str]:
    """stars → why that level's minimum is out of order among `levels` (a park's whole set). The levels
    are checked from the most stars down, so the message sits on the first level that breaks the order."""
    errors = {}
    ordered = sorted(levels, key=lambda level: -level.stars)
    for index, level in enumerate(ordered):
        message = _out_of_order(level, ordered[:index])
        if message:
            errors[level.stars] = message
    return errors


@transaction.atomic
def star_level_save(*, level: StarLevel, actor=None) -> StarLevel:
    """Add or change one of a park's thresholds. More stars need a higher minimum score, or a total
    would earn fewer stars than a lower total does. Confirmed ratings keep the stars they were given."""
    level.full_clean()
    others = StarLevel.objects.select_for_update().filter(park_id=level.park_id).exclude(pk=level.pk)
    message = _out_of_order(level, others)
    if message:
        raise ValidationError({"min_score": message})
    level.save()
    access.require_writable(actor, level)
    return level


@transaction.atomic
def star_levels_save(*, park: Park, levels: list[StarLevel], actor=None) -> list[StarLevel]:
    """Put a park's thresholds in place at once (the levels not given stay as they are): all or none.
    The order is checked on the whole new set, as one level at a time could not move them all up."""
    access.require_admin(actor, park.pk, _("Only a park admin sets the park's star levels."))
    stored = {level.stars: level for level in StarLevel.objects.select_for_update().filter(park=park)}
    given = {level.stars: level for level in levels}
    if len(given) != len(levels):
        raise ValidationError({"stars": _("A star level is given twice.")})
    for level in levels:
        level.park = park
        level.pk = stored[level.stars].pk if level.stars in stored else None
        level._state.adding = level.pk is None
        level.full_clean(validate_unique=False)
    errors = threshold_errors(list({**stored, **given}.values()))
    if errors:
        raise ValidationError({"min_score": list(errors.values())})
    for level in levels:
        old = stored.get(level.stars)
        if old is None or (old.min_score, old.classification) != (level.min_score, level.classification):
            level.save()  # unchanged levels keep their history as it is
    return levels


def level_for(levels: list[StarLevel], total: Decimal, *, vetoed: bool) -> tuple[int, str]:
    """(stars, classification) a total earns: the highest level whose minimum it reaches. A veto, or a
    total below every level, gives the lowest level."""
    ordered = sorted(levels, key=lambda level: level.stars)
    if not ordered:
        return 1, Classification.INCUBATING
    if not vetoed:
        for level in reversed(ordered):
            if total >= level.min_score:
                return level.stars, level.classification
    return ordered[0].stars, ordered[0].classification


# --- scoring sheets --------------------------------------------------------------------------------


@transaction.atomic
def sheet_save(*, sheet: ScoringSheet, actor=None) -> ScoringSheet:
    """Add a park's scoring sheet for a year, or change one. A year has one sheet; a second one is a new
    version of it (`sheet_new_version`)."""
    if not year_in_range(sheet.year or 0):
        raise ValidationError({"year": _("Give a year between 2000 and five years from now.")})
    stored = ScoringSheet.objects.filter(pk=sheet.pk).first() if sheet.pk else None
    if (stored is None or stored.year != sheet.year) and _year_has_sheet(sheet.park_id, sheet.year):
        raise ValidationError({"year": _("The park has a scoring sheet for this year: edit it or make a new version.")})
    if stored is not None and stored.park_id != sheet.park_id:
        raise ValidationError({"park": _("A scoring sheet cannot move to another park.")})
    if stored is not None and stored.year != sheet.year and selectors.sheet_in_use(stored):
        raise ValidationError({"year": _("Confirmed ratings use this scoring sheet: make a new version to change it.")})
    sheet.full_clean()
    sheet.save()
    access.require_writable(actor, sheet)
    return sheet


def criterion_errors(criterion: Criterion) -> dict[str, str]:
    if criterion.sheet_id and selectors.sheet_in_use(criterion.sheet):
        return {"sheet": _("Confirmed ratings use this scoring sheet: make a new version to change its criteria.")}
    if criterion.pk and Criterion.objects.filter(pk=criterion.pk).exclude(sheet_id=criterion.sheet_id).exists():
        return {"sheet": _("A criterion cannot move to another scoring sheet.")}
    if criterion.is_veto and criterion.max_points:
        return {"max_points": _("A veto item carries no points.")}
    return {}


@transaction.atomic
def criterion_save(*, criterion: Criterion, actor=None) -> Criterion:
    """Add or change a criterion, unless confirmed ratings already use its sheet."""
    ScoringSheet.objects.select_for_update().filter(pk=criterion.sheet_id).first()  # vs. a confirmation
    errors = criterion_errors(criterion)
    if errors:
        raise ValidationError(errors)
    criterion.full_clean()
    criterion.save()
    access.require_writable(actor, criterion)
    return criterion


def _year_has_sheet(park_id: int, year: int) -> bool:
    return ScoringSheet.objects.filter(park_id=park_id, year=year).exists()


@transaction.atomic
def sheet_copy(*, sheet: ScoringSheet, year: int, actor=None) -> ScoringSheet:
    """A new year's sheet with the criteria of `sheet` (last year's, typically), as version 1. Refused
    when that year has a sheet already: that one is edited, or given a new version."""
    access.require_admin(actor, sheet.park_id, _("Only a park admin sets the park's scoring sheets."))
    Park.objects.select_for_update().filter(pk=sheet.park_id).first()  # two copies at once: one wins
    if not year_in_range(year or 0):
        raise ValidationError({"year": _("Give a year between 2000 and five years from now.")})
    if _year_has_sheet(sheet.park_id, year):
        raise ValidationError({"year": _("The park has a scoring sheet for this year: edit it or make a new version.")})
    title = sheet.title.replace(str(sheet.year), str(year))
    copy = ScoringSheet(park_id=sheet.park_id, year=year, version=1, title=title)
    copy.full_clean()
    copy.save()
    criteria = list(sheet.criteria.all())
    for criterion in criteria:
        criterion.pk, criterion.sheet = None, copy
    bulk_create_with_history(criteria, Criterion)
    return copy


@transaction.atomic
def sheet_new_version(*, sheet: ScoringSheet, actor=None) -> ScoringSheet:
    """A copy of the sheet with its criteria, numbered after the year's latest version."""
    latest = ScoringSheet.objects.filter(park_id=sheet.park_id, year=sheet.year).order_by("-version").first()
    copy = ScoringSheet.objects.create(
        park_id=sheet.park_id, year=sheet.year, version=latest.version + 1, title=sheet.title
    )
    for criterion in sheet.criteria.all():
        criterion.pk = None
        criterion.sheet = copy
        criterion.save()
    access.require_writable(actor, copy)
    return copy


# --- ratings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemLine:
    criterion: Criterion
    score: Decimal = Decimal(0)
    reason: str = ""
    triggered: bool = False


RATED_KINDS = Organization.BRANCH_KINDS


def _rating_errors(rating: Rating) -> dict[str, str]:
    errors: dict[str, str] = {}
    organization = rating.organization
    if not year_in_range(rating.year or 0) or rating.quarter not in (1, 2, 3, 4):
        return {"quarter": _("Give a year between 2000 and five years from now, and a quarter from 1 to 4.")}
    start, _end = quarter_bounds(rating.year, rating.quarter)
    if organization.kind not in RATED_KINDS:
        errors["organization"] = _("Only party committees, general branches and branches are rated.")
    elif organization.dissolved_on and organization.dissolved_on <= start:
        errors["organization"] = _("This organization was dissolved before the quarter began.")
    if rating.sheet.park_id != organization.park_id:
        errors["sheet"] = _("The scoring sheet belongs to another park.")
    today = timezone.localdate()
    if rating.assessed_on > today:
        errors["assessed_on"] = _("An inspection cannot have happened in the future.")
    elif rating.assessed_on < start:
        errors["assessed_on"] = _("The inspection is of the quarter: it cannot be dated before the quarter began.")
    duplicate = Rating.objects.filter(organization=organization, year=rating.year, quarter=rating.quarter)
    if duplicate.exclude(pk=rating.pk).exists():
        errors["quarter"] = _("This organization already has a rating for this quarter.")
    return errors


def _item_errors(
    sheet: ScoringSheet, lines: list[ItemLine], suggestions: dict[int, Decimal], kept: set[int]
) -> list[str]:
    """What is wrong with the item scores. Stored scores kept as they were (`kept`) need no new reason,
    even when the suggestion has moved since."""
    errors = []
    criteria = {criterion.pk: criterion for criterion in sheet.criteria.all()}
    for line in lines:
        criterion = criteria.get(line.criterion.pk)
        if criterion is None:
            errors.append(_("“%(title)s” is not on this scoring sheet.") % {"title": line.criterion.title})
        elif line.score < 0 or line.score > criterion.max_points:
            errors.append(
                _("“%(title)s” is scored from 0 to %(max)s.") % {"title": criterion.title, "max": criterion.max_points}
            )
        elif line.triggered and not criterion.is_veto:
            errors.append(_("“%(title)s” is not a veto item.") % {"title": criterion.title})
        elif criterion.pk not in kept and _overrides(line, suggestions.get(criterion.pk)) and not line.reason.strip():
            errors.append(
                _("“%(title)s”: give a reason for scoring other than the suggested %(suggested)s.")
                % {"title": criterion.title, "suggested": suggestions[criterion.pk]}
            )
    if len({line.criterion.pk for line in lines}) != len(lines):
        errors.append(_("A criterion is scored twice."))
    return errors


def _overrides(line: ItemLine, suggested: Decimal | None) -> bool:
    return suggested is not None and line.score.quantize(CENT) != suggested.quantize(CENT)


def total_of(lines: list[ItemLine]) -> tuple[Decimal, bool]:
    """The weighted score out of 100, and whether a veto item was triggered."""
    possible = sum((line.criterion.max_points * line.criterion.weight for line in lines), Decimal(0))
    earned = sum((line.score * line.criterion.weight for line in lines), Decimal(0))
    total = Decimal(0) if not possible else (earned / possible * 100).quantize(CENT, ROUND_HALF_UP)
    return total, any(line.triggered for line in lines)


@transaction.atomic
def rating_save(*, rating: Rating, items: list[ItemLine] | None = None, actor=None, reason: str = "") -> Rating:
    """Create or change a rating and its item scores; the total, stars and class follow from them.

    Items not given keep their scores (all criteria score 0 on a new rating until scored). A confirmed
    rating changes only with `reason`, which the history keeps.
    """
    rating.park_id = rating.organization.park_id
    access.require_admin(actor, rating.park_id, _("Only a park admin rates the park's organizations."))
    # One writer per organization at a time: the check for a rating of the quarter reads, then inserts
    # (two at once met the unique constraint: an IntegrityError, not a message on `quarter`).
    Organization.objects.select_for_update().filter(pk=rating.organization_id).first()
    stored = Rating.objects.select_for_update().filter(pk=rating.pk).first() if rating.pk else None
    if stored is not None:
        # The status is rating_confirm's: a copy read before a confirmation must not save it back to draft.
        rating.status, rating.confirmed_at = stored.status, stored.confirmed_at
    if stored is not None and stored.status == Rating.Status.CONFIRMED:
        errors = change_reason_errors(reason, missing=_("The rating is confirmed: say why it changes."))
        if errors:
            raise ValidationError(errors)
        rating._change_reason = reason
    errors = _rating_errors(rating)
    if errors:
        raise ValidationError(errors)
    suggestions = selectors.suggestions(
        organization=rating.organization, year=rating.year, quarter=rating.quarter, sheet=rating.sheet
    )
    lines, kept = _complete_lines(rating, items, suggestions)
    item_errors = _item_errors(rating.sheet, lines, suggestions, kept)
    if item_errors:
        raise ValidationError({"items": item_errors})
    rating.total, rating.vetoed = total_of(lines)
    rating.stars, rating.classification = level_for(
        list(StarLevel.objects.filter(park_id=rating.park_id)), rating.total, vetoed=rating.vetoed
    )
    if rating.assessor_id is None:
        rating.assessor = user_or_none(actor)
    rating.full_clean()
    rating.save()
    _write_items(rating, [line for line in lines if line.criterion.pk not in kept], suggestions)
    return rating


def _complete_lines(rating: Rating, items: list[ItemLine] | None, suggestions: dict) -> tuple[list[ItemLine], set[int]]:
    """The given lines, plus the rating's stored lines (or, on a new rating, the suggestions) for the
    rest; and the criteria whose stored line was kept."""
    given = {line.criterion.pk: line for line in items or []}
    stored = {item.criterion_id: item for item in rating.items.all()} if rating.pk else {}
    lines = list(items or [])
    kept = set()
    for criterion in rating.sheet.criteria.all():
        if criterion.pk in given:
            continue
        if criterion.pk in stored:
            item = stored[criterion.pk]
            lines.append(ItemLine(criterion, item.score, item.reason, item.triggered))
            kept.add(criterion.pk)
        else:
            lines.append(ItemLine(criterion, suggestions.get(criterion.pk) or Decimal(0)))
    return lines, kept


def _write_items(rating: Rating, lines: list[ItemLine], suggestions: dict) -> None:
    stored = {item.criterion_id: item for item in rating.items.all()}
    for line in lines:
        item = stored.get(line.criterion.pk) or RatingItem(rating=rating, criterion=line.criterion)
        values = (line.score, suggestions.get(line.criterion.pk), line.reason, line.triggered)
        if item.pk and (item.score, item.suggested, item.reason, item.triggered) == values:
            continue  # unchanged: no history row
        item.score, item.suggested, item.reason, item.triggered = values
        item.save()


@transaction.atomic
def rating_confirm(*, rating: Rating, actor=None) -> Rating:
    """Lock the rating: its stars now count (for the star map and the allowances)."""
    access.require_admin(actor, rating.park_id, _("Only a park admin confirms ratings."))
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if rating.status == Rating.Status.CONFIRMED:
        return rating
    rating.status = Rating.Status.CONFIRMED
    rating.confirmed_at = timezone.now()
    rating.save(update_fields=["status", "confirmed_at"])
    return rating


@transaction.atomic
def evidence_add(*, item: RatingItem, upload: UploadedFile, actor=None) -> RatingEvidence:
    return store_upload(RatingEvidence(item=item), upload, actor)


# --- honours ---------------------------------------------------------------------------------------


def honor_errors(honor: Honor) -> dict[str, str]:
    errors = {}
    if (honor.organization_id is None) == (honor.enterprise_id is None):
        errors["organization"] = _("Name either an organization or an enterprise.")
    recipient = honor.organization or honor.enterprise
    if recipient is not None and recipient.park_id != honor.park_id:
        errors["organization" if honor.organization_id else "enterprise"] = _("This belongs to another park.")
    if honor.kind == Honor.Kind.FIVE_STAR and not honor.star:
        errors["star"] = _("Name the star of the five-star competition.")
    if honor.kind != Honor.Kind.FIVE_STAR and honor.star:
        errors["star"] = _("Only five-star honours name a star.")
    if not year_in_range(honor.year or 0):
        errors["year"] = _("Give a year between 2000 and five years from now.")
    if honor.awarded_on and honor.awarded_on > timezone.localdate():
        errors["awarded_on"] = _("An honour cannot have been awarded in the future.")
    return errors


@transaction.atomic
def honor_save(*, honor: Honor, actor=None) -> Honor:
    """An honour for an organization or an enterprise of the park; a five-star honour is titled after its
    star and, unless told otherwise, names the department that runs that star."""
    errors = honor_errors(honor)
    if errors:
        raise ValidationError(errors)
    if honor.kind == Honor.Kind.FIVE_STAR:
        # Stored in the portal's language, not the language of whoever records it.
        with translation.override(settings.LANGUAGE_CODE):
            honor.title = honor.title or str(Honor.Star(honor.star).label)
            honor.awarded_by = honor.awarded_by or str(Honor.STAR_DEPARTMENTS[honor.star])
    honor.full_clean()
    honor.save()
    access.require_writable(actor, honor)
    return honor


def assessed_on_default(year: int, quarter: int) -> date:
    """The day an inspection of the quarter is dated when none is given: the quarter's last day, or
    today while the quarter runs."""
    _start, end = quarter_bounds(year, quarter)
    return min(timezone.localdate(), end - timedelta(days=1))
