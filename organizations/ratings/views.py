"""Pages of the quarterly ratings (一季一巡查): the inspection form, a rating's page, the park's star map,
and the honours list.

Every queryset starts from `access.visible` (outside the user's scope a row does not exist: 404); only
park admins rate and confirm (`access.administers`, else 403); writes go through
`organizations.ratings.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.models import MAX_STARS, Classification, Honor, Organization, Park, Rating, RatingItem, StarLevel
from organizations.ratings import selectors
from organizations.ratings.api import RATING_SHEET
from organizations.ratings.forms import HonorFilterForm, RatingForm, RatingTargetForm, StarMapForm, current_quarter
from organizations.ratings.services import assessed_on_default, rating_confirm, rating_save
from parkparty import access
from parkparty.exports import page_export
from parkparty.history import Source, revisions

PAGE_SIZE = 50


# --- the inspection form ---------------------------------------------------------------------------


def rateable(user) -> QuerySet[Organization]:
    """The organizations the user may rate: the rated kinds, not dissolved, in the parks they administer
    (ratings are written by park admins only, whatever the organization policy says of secretaries)."""
    organizations = Organization.objects.filter(kind__in=Organization.BRANCH_KINDS, dissolved_on__isnull=True)
    return access.administered(user, organizations).select_related("park").order_by("park__name", "path")


def _star_levels(park_id: int) -> list[dict]:
    """The park's thresholds as static/js/rating.js reads them (json_script)."""
    return [
        {"stars": level.stars, "min": str(level.min_score), "label": str(Classification(level.classification).label)}
        for level in StarLevel.objects.filter(park_id=park_id).order_by("-stars")
    ]


@login_required
def rating_new(request):
    """Rate an organization for a quarter: pick it (the page reloads with the sheet and the portal's
    suggestions), score each criterion, save, and confirm when done."""
    user = request.user
    if not access.may_write_any(user, Rating):
        raise PermissionDenied
    organizations = list(rateable(user))
    if not organizations:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    year, quarter = current_quarter()
    target = RatingTargetForm(
        source if "organization" in source else None,
        organizations=rateable(user),
        several_parks=len({organization.park_id for organization in organizations}) > 1,
        initial={"organization": organizations[0].pk, "year": year, "quarter": quarter},
    )
    context = {"target": target, "organizations": organizations}
    if target.is_bound and not target.is_valid():
        return render(request, "ratings/rating_form.html", context)
    if target.is_bound:
        organization, year, quarter = (target.cleaned_data[name] for name in ("organization", "year", "quarter"))
    else:
        organization = organizations[0]
    existing = Rating.objects.filter(organization=organization, year=year, quarter=quarter).first()
    if existing is not None and request.method == "GET":
        messages.info(request, _("This organization is already rated for the quarter: here is its rating."))
        return redirect("rating-edit", existing.pk)
    sheet = selectors.sheet_for(park_id=organization.park_id, year=year)
    rating = Rating(organization=organization, park_id=organization.park_id, sheet=sheet, year=year, quarter=quarter)
    context |= {"rating": rating, "organization": organization}
    if sheet is None:
        return render(request, "ratings/rating_form.html", context)
    form = _rating_form(request, rating, initial={"assessed_on": assessed_on_default(year, quarter)})
    if request.method == "POST" and form.is_valid() and _save(request, form, rating):
        return redirect("rating-detail", rating.pk)
    return render(request, "ratings/rating_form.html", context | _form_context(form, rating))


def _rating_form(request, rating: Rating, **kwargs) -> RatingForm:
    suggestions = selectors.suggestions(
        organization=rating.organization, year=rating.year, quarter=rating.quarter, sheet=rating.sheet
    )
    return RatingForm(
        request.POST if request.method == "POST" else None,
        criteria=list(rating.sheet.criteria.all()),
        suggestions=suggestions,
        **kwargs,
    )


def _form_context(form: RatingForm, rating: Rating) -> dict:
    return {"form": form, "levels": _star_levels(rating.park_id), "can_confirm": rating.status != "confirmed"}


def _save(request, form: RatingForm, rating: Rating) -> bool:
    """Save the rating and its changed items, and confirm it when asked: all or nothing."""
    data = form.cleaned_data
    rating.assessed_on, rating.notes = data["assessed_on"], data["notes"]
    was_new = rating.pk is None
    try:
        with transaction.atomic():
            rating_save(
                rating=rating, items=form.item_lines(), actor=request.user, reason=data.get("change_reason", "")
            )
            if "confirm" in request.POST:
                rating_confirm(rating=rating, actor=request.user)
    except ValidationError as error:
        if was_new:
            rating.pk, rating._state.adding = None, True
        form.add_service_errors(error)
        return False
    if "confirm" in request.POST:
        messages.success(request, _("The rating is saved and confirmed: its stars now count."))
    else:
        messages.success(request, _("The rating is saved."))
    return True


@login_required
def rating_edit(request, pk: int):
    """The inspection form for a stored rating; a confirmed one changes only with a reason."""
    user = request.user
    rating = get_object_or_404(access.visible(user, Rating).select_related("organization__park", "sheet"), pk=pk)
    access.require_admin(user, rating.park_id)
    form = _rating_form(
        request,
        rating,
        stored={item.criterion_id: item for item in rating.items.all()},
        locked=rating.status == Rating.Status.CONFIRMED,
        initial={"assessed_on": rating.assessed_on, "notes": rating.notes},
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, rating):
        return redirect("rating-detail", rating.pk)
    context = {"rating": rating, "organization": rating.organization, "editing": True}
    return render(request, "ratings/rating_form.html", context | _form_context(form, rating))


@login_required
@require_POST
def rating_confirm_view(request, pk: int):
    rating = get_object_or_404(access.visible(request.user, Rating), pk=pk)
    rating_confirm(rating=rating, actor=request.user)
    messages.success(request, _("The rating is confirmed: its stars now count."))
    return redirect("rating-detail", rating.pk)


# --- a rating's page -------------------------------------------------------------------------------


@login_required
def rating_detail(request, pk: int):
    """Items with the suggested and the given score, their evidence, and the changes of the rating and
    of its items (who, when, before and after)."""
    user = request.user
    rating = get_object_or_404(
        access.visible(user, Rating).select_related("organization", "park", "sheet", "assessor"), pk=pk
    )
    items = list(rating.items.select_related("criterion").prefetch_related("evidence"))
    titles = {item.pk: item.criterion.title for item in items}
    item_records = RatingItem.history.filter(rating_id=rating.pk)
    context = {
        "rating": rating,
        "items": items,
        "star_range": range(1, MAX_STARS + 1),
        "history": revisions(rating.history.all()),
        "item_history": revisions(Source(item_records, title=lambda record: titles.get(record.id, ""))),
        "can_edit": access.administers(user, rating.park_id),
        "can_confirm": rating.status == Rating.Status.DRAFT and access.administers(user, rating.park_id),
        "subsidies": access.visible(user, rating.subsidies.all()),
    }
    return render(request, "ratings/rating_detail.html", context)


# --- the star map ----------------------------------------------------------------------------------


@dataclass
class Group:
    label: str
    tiles: list[Organization]


@login_required
def star_map(request):
    """The park's party organizations as tiles coloured by their stars on a day, grouped under their
    parent organization, with the counts per star level and per class. Queries: the parks, the tiles
    (stars in the same query), the parents' names, and the counts."""
    user = request.user
    today = timezone.localdate()
    query = request.GET.copy()
    if not query.get("as_of"):
        query["as_of"] = today.isoformat()
    form = StarMapForm(query, parks=list(access.visible(user, Park)))
    form.is_valid()
    park = form.chosen_park()
    as_of = form.value("as_of", today)
    context = {"form": form, "park": park, "as_of": as_of}
    if park is not None:
        tiles = list(access.visible(user, selectors.rated_organizations([park.pk], as_of)).select_related("district"))
        context |= {"groups": _groups(user, park, tiles), "stats": _stats(user, park, tiles, as_of)}
    return render(request, "ratings/star_map.html", context)


@login_required
def rating_export(request):
    """The ratings of the star map's park assessed up to its day, every quarter, in the API's columns."""
    user = request.user
    query = request.GET.copy()
    if not query.get("as_of"):
        query["as_of"] = timezone.localdate().isoformat()
    form = StarMapForm(query, parks=list(access.visible(user, Park)))
    form.is_valid()
    park = form.chosen_park()
    ratings = access.visible(user, Rating)
    if park is None:
        ratings = ratings.none()
    else:
        ratings = ratings.filter(park=park, assessed_on__lte=form.value("as_of", timezone.localdate()))
    return page_export(request, RATING_SHEET, ratings.order_by("-year", "-quarter", "organization__path", "pk"))


def _groups(user, park: Park, tiles: list[Organization]) -> list[Group]:
    """Tiles under their parent (a district station, a committee); top-level ones under the park."""

    def parent_path(tile: Organization) -> str:
        return tile.path[: -Organization.steplen] if tile.depth > 1 else ""

    paths = {parent_path(tile) for tile in tiles} - {""}
    names = dict(access.visible(user, Organization).filter(path__in=paths).values_list("path", "name")) if paths else {}
    groups = []
    for path, members in groupby(sorted(tiles, key=lambda tile: (parent_path(tile), tile.path)), key=parent_path):
        label = names.get(path, _("Other organizations")) if path else park.name
        groups.append(Group(label, list(members)))
    return groups


def _stats(user, park: Park, tiles: list[Organization], as_of) -> dict:
    """The park's counts for those who read it as a whole; a secretary's subtree is counted from its tiles."""
    if park.pk in access.statistics_park_ids(user):
        stats = selectors.rating_stats(park_ids=[park.pk], as_of=as_of)
    else:
        rated = [tile for tile in tiles if tile.stars]
        stats = {
            "rated": len(rated),
            "by_stars": {str(n): sum(tile.stars == n for tile in rated) for n in range(1, MAX_STARS + 1)},
            "by_classification": {c: sum(tile.classification == c for tile in rated) for c in Classification.values},
        }
    return {
        "rated": stats["rated"],
        "unrated": sum(tile.stars is None for tile in tiles),
        "by_stars": [(n, stats["by_stars"][str(n)]) for n in range(MAX_STARS, 0, -1)],
        "by_classification": [(label, stats["by_classification"][c]) for c, label in Classification.choices],
    }


# --- honours ---------------------------------------------------------------------------------------


@login_required
def honor_list(request):
    user = request.user
    form = HonorFilterForm(request.GET or None, parks=list(access.visible(user, Park)))
    form.is_valid()
    honors = form.filter(access.visible(user, Honor)).select_related("park", "organization", "enterprise")
    page = Paginator(honors.order_by("-year", "kind", "star", "title", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "ratings/honor_list.html", {"form": form, "page": page})
