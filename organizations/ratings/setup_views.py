"""Pages where park admins set up the quarterly ratings: the park's scoring sheets (评分细则) by year,
their criteria, copying last year's sheet, a new version of a sheet confirmed ratings use, and the
park's star levels.

Only park admins reach them (403 for everyone else, whatever the id; 404 for a row or park outside
the parks they administer: `parkparty.managing`); every write goes through
`organizations.ratings.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.models import Criterion, Rating, ScoringSheet, StarLevel
from organizations.ratings import selectors, services
from organizations.ratings.setup_forms import CriterionForm, SheetCopyForm, SheetForm, StarLevelsForm
from parkparty.history import Source, revisions
from parkparty.managing import admin_parks, admin_row, chosen_park
from parkparty.pages import save_form

PAGE_SIZE = 50


def _in_park(name: str, park) -> str:
    return f"{reverse(name)}?park={park.pk}"


# --- scoring sheets --------------------------------------------------------------------------------


@login_required
def sheet_list(request):
    """The park's sheets, newest year first, with their number of criteria and whether confirmed ratings
    use them. Queries: the parks, the count, one page of sheets (both figures as subqueries)."""
    parks = admin_parks(request.user)
    park = chosen_park(request, parks)
    used = Rating.objects.filter(sheet=OuterRef("pk"), status=Rating.Status.CONFIRMED)
    sheets = (
        ScoringSheet.objects.filter(park=park)
        .annotate(criteria_count=Count("criteria"), in_use=Exists(used))
        .order_by("-year", "-version", "pk")
    )
    page = Paginator(sheets, PAGE_SIZE).get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    latest = page.object_list[0] if page.number == 1 and page.object_list else None
    context = {
        "parks": parks,
        "park": park,
        "page": page,
        # "Copy last year's": the latest sheet, into the year after it, while that year is not past.
        "copy_from": latest if latest is not None and latest.year < this_year + 1 else None,
    }
    return render(request, "ratings/sheet_list.html", context)


@login_required
def sheet_new(request):
    parks = admin_parks(request.user)
    park = chosen_park(request, parks)
    form = SheetForm(request.POST or None, initial={"year": timezone.localdate().year})

    def save(data):
        sheet = ScoringSheet(park=park, year=data["year"], title=data["title"])
        return services.sheet_save(sheet=sheet, actor=request.user)

    if sheet := save_form(request, form, save):
        messages.success(request, _("The scoring sheet is added: now add its criteria."))
        return redirect("sheet-edit", sheet.pk)
    return _form_page(
        request,
        form,
        title=_("New scoring sheet"),
        crumbs=[(_in_park("sheet-list", park), _("Scoring sheets"))],
        intro=park.name,
    )


@login_required
def sheet_edit(request, pk: int):
    """A sheet and its criteria. Once a confirmed rating uses it the sheet is frozen: it is shown with
    a button for a new version, whose criteria are then edited (old ratings keep theirs)."""
    sheet = admin_row(request.user, ScoringSheet.objects.select_related("park"), pk)
    frozen = selectors.sheet_in_use(sheet)
    form = None
    if not frozen:
        form = SheetForm(request.POST or None, initial={"year": sheet.year, "title": sheet.title})

        def save(data):
            sheet.year, sheet.title = data["year"], data["title"]
            return services.sheet_save(sheet=sheet, actor=request.user)

        if save_form(request, form, save):
            messages.success(request, _("The scoring sheet is saved."))
            return redirect("sheet-edit", sheet.pk)
        if request.method == "POST":
            sheet.refresh_from_db()  # a refused change does not show as the sheet's
    context = {
        "sheet": sheet,
        "form": form,
        "frozen": frozen,
        "criteria": list(sheet.criteria.all()),
        "history": revisions(
            sheet.history.all(),
            Source(Criterion.history.filter(sheet_id=sheet.pk), title=lambda record: record.title),
        ),
    }
    return render(request, "ratings/sheet_edit.html", context)


@login_required
def sheet_copy(request, pk: int):
    """Copy a sheet's criteria into a new year's sheet (last year's into this year's, typically)."""
    sheet = admin_row(request.user, ScoringSheet.objects.select_related("park"), pk)
    form = SheetCopyForm(request.POST or None, initial={"year": sheet.year + 1})
    copy = save_form(
        request, form, lambda data: services.sheet_copy(sheet=sheet, year=data["year"], actor=request.user)
    )
    if copy:
        messages.success(request, _("The scoring sheet is copied with its criteria."))
        return redirect("sheet-edit", copy.pk)
    return _form_page(
        request,
        form,
        title=_("Copy a scoring sheet"),
        crumbs=[
            (_in_park("sheet-list", sheet.park), _("Scoring sheets")),
            (reverse("sheet-edit", args=[pk]), str(sheet)),
        ],
        intro=_("A new year's sheet with the criteria of “%(sheet)s”. A year that has a sheet already is refused.")
        % {"sheet": sheet},
        submit=_("Copy"),
        cancel_url=reverse("sheet-edit", args=[pk]),
    )


@login_required
@require_POST
def sheet_new_version_view(request, pk: int):
    sheet = admin_row(request.user, ScoringSheet, pk)
    copy = services.sheet_new_version(sheet=sheet, actor=request.user)
    messages.success(request, _("A new version of the scoring sheet is made: its criteria may be changed."))
    return redirect("sheet-edit", copy.pk)


# --- criteria --------------------------------------------------------------------------------------


def _criterion_page(request, form: CriterionForm, criterion: Criterion, title: str):
    sheet = criterion.sheet
    return _form_page(
        request,
        form,
        title=title,
        crumbs=[
            (_in_park("sheet-list", sheet.park), _("Scoring sheets")),
            (reverse("sheet-edit", args=[sheet.pk]), str(sheet)),
        ],
        cancel_url=reverse("sheet-edit", args=[sheet.pk]),
    )


def _save_criterion(request, form: CriterionForm, criterion: Criterion):
    return save_form(
        request, form, lambda data: services.criterion_save(criterion=form.apply(criterion), actor=request.user)
    )


@login_required
def criterion_new(request, pk: int):
    sheet = admin_row(request.user, ScoringSheet.objects.select_related("park"), pk)
    last = sheet.criteria.order_by("-position").values_list("position", flat=True).first()
    form = CriterionForm(request.POST or None, initial={"position": (last or 0) + 1})
    criterion = Criterion(sheet=sheet)
    if _save_criterion(request, form, criterion):
        messages.success(request, _("The criterion is added."))
        return redirect("sheet-edit", sheet.pk)
    return _criterion_page(request, form, criterion, _("New criterion"))


@login_required
def criterion_edit(request, pk: int):
    criterion = admin_row(request.user, Criterion.objects.select_related("sheet__park"), pk)
    form = CriterionForm(
        request.POST or None, initial={name: getattr(criterion, name) for name in CriterionForm.FIELDS}
    )
    if _save_criterion(request, form, criterion):
        messages.success(request, _("The criterion is saved."))
        return redirect("sheet-edit", criterion.sheet_id)
    return _criterion_page(request, form, criterion, _("Edit the criterion"))


# --- star levels -----------------------------------------------------------------------------------


@login_required
def star_levels(request):
    """The park's thresholds in one form, saved all at once; "install the defaults" while it has none."""
    parks = admin_parks(request.user)
    park = chosen_park(request, parks)
    stored = {level.stars: level for level in StarLevel.objects.filter(park=park)}
    form = StarLevelsForm(request.POST or None, stored=stored)

    def save(data):
        return services.star_levels_save(park=park, levels=form.levels(), actor=request.user)

    if save_form(request, form, save) is not None:
        messages.success(request, _("The star levels are saved. Confirmed ratings keep the stars they were given."))
        return redirect(_in_park("star-levels", park))
    return render(request, "ratings/star_levels.html", {"parks": parks, "park": park, "form": form, "stored": stored})


@login_required
@require_POST
def star_levels_defaults(request):
    park = chosen_park(request, admin_parks(request.user))
    added = services.star_levels_install_defaults(park=park, actor=request.user)
    messages.success(request, _("%(count)s default star levels are added.") % {"count": added})
    return redirect(_in_park("star-levels", park))


def _form_page(request, form, **context):
    return render(request, "manage/form.html", {"form": form, **context})
