from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from organizations.models import District, Grid, Organization, Park, PartyMember
from organizations.selectors import members_in_several_parks
from parkparty.admin import ScopedAdmin


class InSeveralParks(admin.SimpleListFilter):
    """Members whose ID-card number is also on another park's roster (a transfer under way, or a typo):
    the operators' view of what no park admin is told. Offered to superusers only."""

    title = _("ID-card number in several parks")
    parameter_name = "several_parks"

    def lookups(self, request, model_admin):
        return [("yes", _("yes"))] if request.user.is_superuser else []

    def queryset(self, request, queryset):
        if self.value() == "yes" and request.user.is_superuser:
            return queryset.filter(pk__in=members_in_several_parks().values("pk"))
        return queryset


@admin.register(Park)
class ParkAdmin(ScopedAdmin):
    list_display = ["name", "code", "region", "four_eyes"]
    search_fields = ["name", "code"]

    def has_add_permission(self, request):
        return request.user.is_superuser  # a new park is a new tenant


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["name", "park"]
    list_filter = ["park"]
    search_fields = ["name"]


@admin.register(Grid)
class GridAdmin(ScopedAdmin):
    list_display = ["name", "park", "district", "cadre", "leading_organization"]
    list_filter = ["park"]
    search_fields = ["name", "cadre"]
    raw_id_fields = ["leading_organization"]


class OrganizationForm(movenodeform_factory(Organization)):
    """treebeard's move form, refusing a place in another park's tree."""

    def clean(self):
        cleaned = super().clean()
        reference = cleaned.get("treebeard_ref_node")
        park = cleaned.get("park")
        if reference is not None and park is not None and reference.park_id != park.pk:
            raise forms.ValidationError({"treebeard_ref_node": _("This organization is in another park.")})
        return cleaned


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin, TreeAdmin, SimpleHistoryAdmin):
    form = OrganizationForm
    list_display = ["name", "kind", "formation", "park", "established_on", "dissolved_on"]
    list_filter = ["park", "kind", "formation"]
    search_fields = ["name"]
    raw_id_fields = ["secretary"]

    def get_readonly_fields(self, request, obj=None):
        # Dissolving ends coverages and is refused while sub-organizations are active: the service does
        # that (API `dissolve`); an organization never changes park.
        return ["park", "dissolved_on"] if obj is not None else []


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "organization", "status", "post", "masked_id", "is_mobile"]
    list_filter = ["status", "post", "is_mobile", "organization__park", InSeveralParks]
    search_fields = ["name"]
    raw_id_fields = ["organization", "enterprise"]
    list_select_related = ["organization"]

    @admin.display(description=_("ID-card number"))
    def masked_id(self, member):
        return member.masked_id_number


# The pipeline, ratings, honours and the subsidy ledger register their screens in their sub-packages.
from organizations.pipeline import admin as pipeline_admin  # noqa: E402, F401
from organizations.ratings import admin as ratings_admin  # noqa: E402, F401
from organizations.subsidies import admin as subsidies_admin  # noqa: E402, F401
