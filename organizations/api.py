"""API for parks, districts, grids, the organization tree and party members."""

from __future__ import annotations

import django_filters
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations import services
from organizations.filters import SubtreeFilter
from organizations.models import District, Grid, Organization, Park, PartyMember
from organizations.selectors import (
    counting_as_branch,
    organizations_as_of,
    secretaries_on,
    secretary_ids_on,
    statuses_on,
    with_attendance,
)
from parkparty import access
from parkparty.api import ScopedRelatedField, ScopedViewSet, assign, via_token
from parkparty.exports import Sheet
from parkparty.figures import rate
from parkparty.filters import AsOfFilter, ChoiceInFilter, RenamedFilterSet
from parkparty.privacy import shows_personal_data
from parkparty.relations import related_rows
from parkparty.validators import validate_id_number

# --- parks, districts, grids -----------------------------------------------------------------------


class ParkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Park
        fields = ["id", "code", "name", "region"]


class ParkViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Park.objects.all()
    serializer_class = ParkSerializer
    ordering_fields = ["name", "code"]
    search_fields = ["name", "code"]

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset())


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "park", "name"]


class DistrictViewSet(ParkViewSet):
    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    filterset_fields = ["park"]
    ordering_fields = ["name"]
    search_fields = ["name"]


class GridSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grid
        fields = ["id", "park", "district", "name", "cadre", "leading_organization"]


class GridViewSet(ParkViewSet):
    queryset = Grid.objects.all()
    serializer_class = GridSerializer
    filterset_fields = ["park", "district"]
    ordering_fields = ["name"]
    search_fields = ["name"]


# --- organizations ---------------------------------------------------------------------------------


def with_parent_id(queryset):
    """Annotate each node's parent id from its materialized path: one correlated subquery, no N+1."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    parents = Organization.objects.filter(path=parent_path).values("pk")[:1]
    return queryset.annotate(parent_id=Subquery(parents))


class OrganizationFilter(django_filters.FilterSet):
    kind = ChoiceInFilter(choices=Organization.Kind.choices)
    formation = ChoiceInFilter(choices=Organization.Formation.choices)
    within = SubtreeFilter(path_field="path", label=_("within organization"))
    active = django_filters.BooleanFilter(field_name="dissolved_on", lookup_expr="isnull", label=_("active"))
    as_of = AsOfFilter()
    counts_as_branch = django_filters.BooleanFilter(
        method="filter_counts_as_branch",
        label=gettext_lazy("counted in the coverage figures' branches (on as_of, else today)"),
    )

    class Meta:
        model = Organization
        fields = ["park", "kind", "formation", "district", "depth", "within", "active", "as_of", "counts_as_branch"]

    def filter_queryset(self, queryset):
        """With `as_of`, the organizations that existed that day (established, not yet dissolved)."""
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = organizations_as_of(day, organizations=queryset)
        return super().filter_queryset(queryset)

    def filter_counts_as_branch(self, queryset, name, value):
        """stats/coverage's `branches`: committees, general branches and branches covering at least one
        enterprise in the park that day (`as_of`, else today)."""
        counted = counting_as_branch(queryset, self.form.cleaned_data.get("as_of") or timezone.localdate())
        return counted if value else queryset.exclude(pk__in=counted.values("pk"))


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    # Scoped: ids outside the caller's scope answer "not found", not whether such a row exists.
    district = ScopedRelatedField(
        queryset=District.objects.all(),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("district"),
    )
    secretary = ScopedRelatedField(
        queryset=PartyMember.objects.all(),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("secretary"),
    )

    class Meta:
        model = Organization
        fields = [
            "id", "park", "parent", "name", "kind", "formation", "district", "depth",
            "established_on", "dissolved_on", "secretary",
        ]  # fmt: skip
        read_only_fields = ["park", "depth", "dissolved_on"]

    def update(self, instance, validated_data):
        return services.organization_update(organization=instance, **validated_data, actor=self.context["request"].user)


class OrganizationCreateSerializer(OrganizationSerializer):
    """On creation the caller names the parent (or the park, for a new root)."""

    parent = ScopedRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, label=gettext_lazy("parent organization")
    )
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))

    class Meta(OrganizationSerializer.Meta):
        read_only_fields = ["depth", "dissolved_on", "secretary"]

    def create(self, validated_data):
        parent = validated_data.pop("parent", None)
        return services.organization_create(parent=parent, **validated_data, actor=self.context["request"].user)

    def to_representation(self, instance):
        return OrganizationSerializer(with_parent_id(Organization.objects.filter(pk=instance.pk)).get()).data


class DissolveSerializer(serializers.Serializer):
    on = serializers.DateField(label=_("dissolved on"))


ORGANIZATION_SHEET = Sheet(
    title=gettext_lazy("Party organizations"),
    serializer=OrganizationSerializer,
    fields=("park", "name", "kind", "formation", "district", "depth", "established_on", "dissolved_on", "secretary"),
    names={"park": "park__name", "district": "district__name", "secretary": "secretary__name"},
)


class OrganizationViewSet(ScopedViewSet):
    queryset = Organization.objects.all()
    filterset_class = OrganizationFilter
    ordering_fields = ["path", "name", "established_on"]
    ordering = ["path"]
    search_fields = ["name"]
    export_sheet = ORGANIZATION_SHEET

    def get_queryset(self):
        return with_parent_id(super().get_queryset())

    def get_serializer_class(self):
        return OrganizationCreateSerializer if self.action == "create" else OrganizationSerializer

    @extend_schema(request=DissolveSerializer, responses=OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def dissolve(self, request, pk=None):
        organization = self.get_object()
        params = DissolveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.organization_dissolve(organization=organization, on=params.validated_data["on"], actor=request.user)
        return Response(OrganizationSerializer(self.get_object()).data, status=status.HTTP_200_OK)


# --- members ---------------------------------------------------------------------------------------


class MemberFilter(RenamedFilterSet):
    """`as_of`: the roster of that day (selectors.members_as_of, the rule of stats/members), each row with
    its `status_on` that day, which `status` then filters; `status=transferred_out` with `as_of` gives
    those who had left by that day instead. `secretary=true`: secretaries of a party organization in being
    on `as_of` (else today); with `post` and `mass_organization_head`, the cross-appointment counts."""

    park = django_filters.ModelChoiceFilter(field_name="organization__park", queryset=Park.objects.all())
    within = SubtreeFilter(path_field="organization__path", label=_("within organization"))
    status = ChoiceInFilter(choices=PartyMember.Status.choices, method="filter_status")
    post = ChoiceInFilter(choices=PartyMember.Post.choices)
    secretary = django_filters.BooleanFilter(
        method="filter_secretary", label=gettext_lazy("secretary of a party organization in being")
    )
    mass_organization_head = django_filters.BooleanFilter(
        field_name="mass_post", method="filter_mass_head", label=gettext_lazy("head of a mass organization")
    )
    as_of = AsOfFilter()

    class Meta:
        model = PartyMember
        fields = ["park", "organization", "within", "enterprise", "status", "post", "mass_organization_head",
                  "secretary", "is_mobile", "as_of"]  # fmt: skip

    def filter_queryset(self, queryset):
        """With `as_of`, the members who had joined by then with their `status_on`; those still on the
        roster unless `status` asks for the transferred."""
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = statuses_on(day, members=queryset)
            if PartyMember.Status.TRANSFERRED_OUT not in (self.form.cleaned_data.get("status") or ()):
                queryset = queryset.exclude(status_on=PartyMember.Status.TRANSFERRED_OUT)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        field = "status_on" if self.form.cleaned_data.get("as_of") else "status"
        return queryset.filter(**{f"{field}__in": value}) if value else queryset

    def filter_secretary(self, queryset, name, value):
        day = self.form.cleaned_data.get("as_of") or timezone.localdate()
        return secretaries_on(day, queryset) if value else queryset.exclude(pk__in=secretary_ids_on(day))

    def filter_mass_head(self, queryset, name, value):
        return queryset.exclude(mass_post="") if value else queryset.filter(mass_post="")


PERSONAL_FIELDS = ("id_number", "phone")


class MemberSerializer(serializers.ModelSerializer):
    """ID number and phone come masked unless the caller may see them (access.sees_personal_data)."""

    organization = ScopedRelatedField(
        queryset=Organization.objects.all(), scope=access.organizations_in_charge, label=gettext_lazy("organization")
    )
    enterprise = ScopedRelatedField(
        queryset=related_rows(PartyMember, "enterprise"),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("enterprise"),
    )

    class Meta:
        model = PartyMember
        fields = [
            "id", "organization", "enterprise", "name", "status", "status_on", "joined_on", "full_member_on",
            "post", "is_mobile", "id_number", "phone", "meetings_listed", "meetings_present", "attendance_rate",
        ]  # fmt: skip

    # A method field: a plain read-only field with a default is left out of a PATCH's answer (DRF skips
    # defaults on partial updates), so the field would not always be there.
    status_on = serializers.SerializerMethodField(
        help_text=gettext_lazy("With `as_of`: the status on that day; null without it (`status` is today's)."),
    )

    def get_status_on(self, row) -> str | None:
        return getattr(row, "status_on", None)

    meetings_listed = serializers.IntegerField(read_only=True, default=0)
    meetings_present = serializers.IntegerField(read_only=True, default=0)
    attendance_rate = serializers.SerializerMethodField()

    def get_attendance_rate(self, member) -> str | None:
        """Meetings attended ÷ meetings the member was listed at."""
        value = rate(getattr(member, "meetings_present", 0), getattr(member, "meetings_listed", 0))
        return None if value is None else str(value)

    def _sees_personal_data(self, park_id) -> bool:
        request = self.context["request"]
        return shows_personal_data(request, park_id, via_token=via_token(request))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self._sees_personal_data(instance.organization.park_id):
            data["id_number"], data["phone"] = instance.masked_id_number, instance.masked_phone
        return data

    def validate(self, attrs):
        organization = attrs.get("organization") or getattr(self.instance, "organization", None)
        park_id = organization.park_id if organization else None
        if not self._sees_personal_data(park_id):
            errors = {name: _("Only a park admin may set this.") for name in PERSONAL_FIELDS if name in attrs}
            if errors:
                raise serializers.ValidationError(errors)
        # The model's own rules (dates in order, same park…) run in the service's full_clean.
        return attrs

    def create(self, validated_data):
        return services.member_save(member=PartyMember(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.member_save(member=instance, actor=self.context["request"].user)


def members_for_list(members):
    """What the member serializer reads on each row: the organization (its park decides the masking)
    and the attendance counts, in the same query."""
    return with_attendance(members.select_related("organization"))


MEMBER_SHEET = Sheet(
    title=gettext_lazy("Party member roster"),
    serializer=MemberSerializer,
    fields=(
        "organization",
        "enterprise",
        "name",
        "status",
        "joined_on",
        "full_member_on",
        "post",
        "is_mobile",
        "id_number",
        "phone",
        "meetings_listed",
        "meetings_present",
        "attendance_rate",
    ),
    names={"organization": "organization__name", "enterprise": "enterprise__name"},
    rates=("attendance_rate",),
    labels={
        "meetings_listed": gettext_lazy("Meetings listed at"),
        "meetings_present": gettext_lazy("Meetings attended"),
        "attendance_rate": gettext_lazy("Attendance rate"),
    },
    prepare=members_for_list,
    # A file with these unmasked is recorded in the security log (parkparty.exports).
    personal={"id_number": "masked_id_number", "phone": "masked_phone"},
    park="organization__park",
)  # fmt: skip


class MemberLookupSerializer(serializers.Serializer):
    id_number = serializers.CharField(
        max_length=18, validators=[validate_id_number], label=gettext_lazy("ID-card number")
    )


class MemberViewSet(ScopedViewSet):
    queryset = PartyMember.objects.select_related("organization")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["name", "joined_on", "full_member_on"]
    ordering = ["organization__path", "name", "pk"]
    search_fields = ["name"]
    export_sheet = MEMBER_SHEET

    def get_queryset(self):
        return with_attendance(super().get_queryset())

    @extend_schema(request=MemberLookupSerializer, responses=MemberSerializer(many=True))
    # Not a list: no pages, and none of the list's query filters (the schema would offer them).
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def lookup(self, request):
        """The members with this ID-card number, in the parks whose personal data the caller sees (a park
        admin's): a POST, so the number never stands in a URL or an access log. Elsewhere, nothing."""
        asked = MemberLookupSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        rows = self.get_queryset().filter(id_number=asked.validated_data["id_number"].upper()).order_by("pk")
        found = [row for row in rows if shows_personal_data(request, row.organization.park_id)]
        return Response(self.get_serializer(found, many=True).data)
