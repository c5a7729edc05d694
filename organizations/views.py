"""Management pages of the structure: organizations (create under a parent, edit, dissolve), a park's
districts and grids, and members.

An organization's own page is the dashboard's (it draws on every app); these are its forms. Every row
is read through `access` (outside one's scope it does not exist: 404); organizations, districts and
grids are park admins' (403 for anyone else who sees the row), members also a secretary's subtree.
Each form saves through `organizations.services` with `parkparty.pages.save_form`, so a refusal
comes back on its field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations import services
from organizations.forms import DissolveForm, DistrictForm, GridForm, MemberForm, OrganizationForm
from organizations.models import District, Grid, Organization, Park, PartyMember
from parkparty import access
from parkparty.forms import ParkForm
from parkparty.pages import query_id, save_form
from parkparty.privacy import shows_personal_data
from parkparty.relations import related_rows

PAGE_SIZE = 50


def _form_page(request, form, *, title: str, cancel_url: str, crumbs: list, **extra):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "crumbs": crumbs, **extra}
    return render(request, "manage/form.html", context)


def _tree_crumbs(organization: Organization | None = None) -> list[tuple[str, str]]:
    crumbs = [(reverse("organization-tree"), _("Party organizations"))]
    if organization is not None:
        crumbs.append((reverse("organization-detail", args=[organization.pk]), organization.name))
    return crumbs


# --- organizations ---------------------------------------------------------------------------------


def _active_in_park(park_id: int) -> QuerySet[Organization]:
    return Organization.objects.filter(park_id=park_id, dissolved_on__isnull=True).order_by("path")


def _districts_of(park_id: int) -> QuerySet[District]:
    return District.objects.filter(park_id=park_id).order_by("name")


@login_required
def organization_new(request):
    """A new organization under `?parent=` (its park's active organizations to choose from), or without
    one a top-level organization of a park the user administers."""
    user = request.user
    parent_id = query_id(request, "parent")
    if parent_id is None:
        return _organization_new_root(request)
    parent = get_object_or_404(access.visible(user, Organization).select_related("park"), pk=parent_id)
    access.require_admin(user, parent.park_id)
    form = OrganizationForm(
        request.POST or None,
        parents=_active_in_park(parent.park_id),
        districts=_districts_of(parent.park_id),
        initial={"parent": parent.pk, "district": parent.district_id, "kind": Organization.Kind.BRANCH},
    )

    def save(data):
        chosen = data["parent"]
        fields = {name: data[name] for name in ("name", "kind", "formation", "district", "established_on")}
        return services.organization_create(parent=chosen, park=chosen.park, actor=user, **fields)

    return _created(request, form, save, crumbs=_tree_crumbs(parent), cancel=parent)


def _organization_new_root(request):
    user = request.user
    if not access.scope_of(user).is_admin:
        raise PermissionDenied
    parks = access.administered(user, Park).order_by("name")
    form = OrganizationForm(
        request.POST or None,
        parks=parks,
        districts=District.objects.none(),  # a top-level organization stands above the districts
        initial={"park": parks.first(), "kind": Organization.Kind.COMMITTEE, "formation": "regional"},
    )
    del form.fields["district"]

    def save(data):
        fields = {name: data[name] for name in ("name", "kind", "formation", "established_on")}
        return services.organization_create(parent=None, park=data["park"], actor=user, **fields)

    return _created(request, form, save, crumbs=_tree_crumbs(), cancel=None)


def _created(request, form, save, *, crumbs, cancel: Organization | None):
    organization = save_form(request, form, save)
    if organization is not None:
        messages.success(request, _("The organization is created."))
        return redirect("organization-detail", organization.pk)
    cancel_url = reverse("organization-detail", args=[cancel.pk]) if cancel else reverse("organization-tree")
    return _form_page(
        request, form, title=_("New party organization"), submit=_("Create"), cancel_url=cancel_url, crumbs=crumbs
    )


def _administered_organization(request, pk: int) -> Organization:
    """The organization if the user sees it (else 404) and administers its park (else 403)."""
    organization = get_object_or_404(access.visible(request.user, Organization).select_related("park"), pk=pk)
    access.require_admin(request.user, organization.park_id)
    return organization


@login_required
def organization_edit(request, pk: int):
    """Name, kind, formation, district, founding date and secretary (a member of its subtree)."""
    organization = _administered_organization(request, pk)
    members = PartyMember.objects.filter(organization__path__startswith=organization.path)
    form = OrganizationForm(
        request.POST or None,
        instance=organization,
        districts=_districts_of(organization.park_id),
        members=members.exclude(status=PartyMember.Status.TRANSFERRED_OUT).order_by("name", "pk"),
    )

    def save(data):
        fields = {name: data[name] for name in ORGANIZATION_EDIT_FIELDS}
        return services.organization_update(organization=organization, actor=request.user, **fields)

    if save_form(request, form, save) is not None:
        messages.success(request, _("The organization is saved."))
        return redirect("organization-detail", organization.pk)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": organization.name},
        cancel_url=reverse("organization-detail", args=[organization.pk]),
        crumbs=_tree_crumbs(organization),
    )


ORGANIZATION_EDIT_FIELDS = ("name", "kind", "formation", "district", "established_on", "secretary")


@login_required
def organization_dissolve(request, pk: int):
    """Dissolve on a day (today or earlier); refused while sub-organizations are active."""
    organization = _administered_organization(request, pk)
    form = DissolveForm(request.POST or None)

    def save(data):
        return services.organization_dissolve(organization=organization, on=data["dissolved_on"], actor=request.user)

    if save_form(request, form, save) is not None:
        messages.success(request, _("The organization is dissolved."))
        return redirect("organization-detail", organization.pk)
    return _form_page(
        request,
        form,
        title=_("Dissolve %(name)s") % {"name": organization.name},
        submit=_("Dissolve"),
        intro=_("An organization is never deleted: it is closed on the day it was dissolved, and its records stay."),
        cancel_url=reverse("organization-detail", args=[organization.pk]),
        crumbs=_tree_crumbs(organization),
    )


# --- districts and grids ---------------------------------------------------------------------------


@login_required
def district_list(request):
    """A park's districts (with how many grids and organizations each has) and its grids, for those who
    read the park as a whole (admins and viewers; 403 for anyone else). Grids are paginated; the page
    costs the same number of queries whatever their number."""
    user = request.user
    parks = list(access.statistics_parks(user).order_by("name"))
    if not parks:
        raise PermissionDenied
    form = ParkForm(request.GET or None, parks=parks)
    form.is_valid()
    park = form.chosen_park()
    districts = (
        District.objects.filter(park=park)
        .annotate(grid_count=Count("grids", distinct=True), organization_count=Count("organizations", distinct=True))
        .order_by("name")
    )
    grids = Grid.objects.filter(park=park).select_related("district", "leading_organization").order_by("name", "pk")
    context = {
        "form": form,
        "park": park,
        "districts": districts,
        "page": Paginator(grids, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_edit": access.administers(user, park.pk),
    }
    return render(request, "organizations/district_list.html", context)


def _administered_park(request) -> Park:
    """The park of `?park=` (by default the first the user administers): 404 if the user does not see
    it, 403 if they do not administer it, or administer no park at all."""
    user = request.user
    if not access.scope_of(user).is_admin:
        raise PermissionDenied
    park_id = query_id(request, "park")
    if park_id is None:
        first = access.administered(user, Park).order_by("name").first()
        if first is None:  # a superuser before any park exists
            raise Http404
        return first
    park = get_object_or_404(access.visible(user, Park), pk=park_id)
    access.require_admin(user, park.pk)
    return park


def _district_crumbs(park: Park) -> list[tuple[str, str]]:
    return [(f"{reverse('district-list')}?park={park.pk}", _("Districts and grids of %(park)s") % {"park": park.name})]


def _saved_to_list(request, form, save, *, park: Park, title: str, message: str):
    if save_form(request, form, save) is not None:
        messages.success(request, message)
        return redirect(f"{reverse('district-list')}?park={park.pk}")
    crumbs = _district_crumbs(park)
    return _form_page(request, form, title=title, cancel_url=crumbs[0][0], crumbs=crumbs)


@login_required
def district_new(request):
    park = _administered_park(request)
    district = District(park=park)
    form = DistrictForm(request.POST or None, instance=district)
    title = _("New district in %(park)s") % {"park": park.name}

    def save(data):
        return services.district_save(district=district, actor=request.user)

    return _saved_to_list(request, form, save, park=park, title=title, message=_("The district is created."))


@login_required
def district_edit(request, pk: int):
    district = get_object_or_404(access.visible(request.user, District).select_related("park"), pk=pk)
    access.require_admin(request.user, district.park_id)
    form = DistrictForm(request.POST or None, instance=district)
    title = _("Edit %(name)s") % {"name": district.name}

    def save(data):
        return services.district_save(district=district, actor=request.user)

    return _saved_to_list(request, form, save, park=district.park, title=title, message=_("The district is saved."))


def _grid_form(request, grid: Grid) -> GridForm:
    return GridForm(
        request.POST or None,
        instance=grid,
        districts=_districts_of(grid.park_id),
        organizations=_active_in_park(grid.park_id).filter(kind__in=Organization.COVERING_KINDS),
    )


@login_required
def grid_new(request):
    park = _administered_park(request)
    grid = Grid(park=park)
    form = _grid_form(request, grid)
    title = _("New grid in %(park)s") % {"park": park.name}

    def save(data):
        return services.grid_save(grid=grid, actor=request.user)

    return _saved_to_list(request, form, save, park=park, title=title, message=_("The grid is created."))


@login_required
def grid_edit(request, pk: int):
    grid = get_object_or_404(access.visible(request.user, Grid).select_related("park"), pk=pk)
    access.require_admin(request.user, grid.park_id)
    form = _grid_form(request, grid)
    title = _("Edit %(name)s") % {"name": grid.name}

    def save(data):
        return services.grid_save(grid=grid, actor=request.user)

    return _saved_to_list(request, form, save, park=grid.park, title=title, message=_("The grid is saved."))


# --- members ---------------------------------------------------------------------------------------


def _member_form(request, member: PartyMember, park_id: int, **kwargs) -> MemberForm:
    """Organizations the user keeps the roster of in the member's park; the park's enterprises the user
    sees (and the member's own, which they already know); personal fields for park admins only."""
    user = request.user
    organizations = access.organizations_in_charge(user).filter(park_id=park_id, dissolved_on__isnull=True)
    if member.organization_id:  # a member of a dissolved organization keeps it until moved
        organizations = organizations | access.organizations_in_charge(user).filter(pk=member.organization_id)
    enterprises = access.visible(user, related_rows(PartyMember, "enterprise")).filter(park_id=park_id)
    if member.enterprise_id:
        enterprises = enterprises | related_rows(PartyMember, "enterprise").filter(pk=member.enterprise_id)
    return MemberForm(
        request.POST or None,
        instance=member,
        organizations=organizations.order_by("path"),
        enterprises=enterprises.order_by("name", "pk"),
        personal=shows_personal_data(request, park_id),
        **kwargs,
    )


def _member_page(request, form: MemberForm, member: PartyMember, organization: Organization, *, title: str):
    def save(data):
        return services.member_save(member=member, actor=request.user)

    saved = save_form(request, form, save)
    if saved is not None:
        messages.success(request, _("%(name)s is saved on the roster.") % {"name": saved.name})
        return redirect("organization-detail", saved.organization_id)
    return _form_page(
        request,
        form,
        title=title,
        intro=_masked_personal_data(form, member),
        cancel_url=reverse("organization-detail", args=[organization.pk]),
        crumbs=_tree_crumbs(organization),
    )


def _masked_personal_data(form: MemberForm, member: PartyMember) -> str:
    """For those without the personal fields: what is on record, masked, and who changes it."""
    if "id_number" in form.fields or not (member.id_number or member.phone):
        return ""
    return _("ID-card number %(id_number)s, phone %(phone)s: the park admins keep these.") % {
        "id_number": member.masked_id_number or "—",
        "phone": member.masked_phone or "—",
    }


@login_required
def member_new(request, pk: int):
    """A new member on the roster of an organization the user keeps (a park admin's, a secretary's
    subtree); 403 for one the user only reads."""
    organization = get_object_or_404(access.visible(request.user, Organization), pk=pk)
    if not access.organizations_in_charge(request.user).filter(pk=organization.pk).exists():
        raise PermissionDenied
    member = PartyMember(organization=organization)
    form = _member_form(request, member, organization.park_id, initial={"organization": organization.pk})
    title = _("New member of %(organization)s") % {"organization": organization.name}
    return _member_page(request, form, member, organization, title=title)


@login_required
def member_edit(request, pk: int):
    queryset = PartyMember.objects.select_related("organization")
    member = get_object_or_404(access.visible(request.user, queryset), pk=pk)
    if not access.can_write(request.user, member):
        raise PermissionDenied
    organization = member.organization
    form = _member_form(request, member, organization.park_id)
    return _member_page(request, form, member, organization, title=_("Edit %(name)s") % {"name": member.name})
