"""API for star levels, scoring sheets and their criteria, quarterly ratings (with item scores and
evidence), honours, and the rating statistics.

Serializers check shapes; the rules live in organizations.ratings.services. Only park admins write
(access.py gives secretaries no writes here); secretaries read their subtree's ratings.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from organizations.filters import SubtreeFilter
from organizations.models import (
    MAX_STARS,
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
from organizations.ratings import selectors, services
from parkparty import access
from parkparty.api import ScopedRelatedField, ScopedViewSet, StatisticsView, assign, park_ids_for_statistics
from parkparty.dates import year_in_range
from parkparty.drilldown import LinksField, list_url
from parkparty.exports import Sheet
from parkparty.filters import AsOfFilter, ChoiceInFilter
from parkparty.history import CHANGE_REASON_LENGTH
from parkparty.relations import related_rows

YEAR_MESSAGE = gettext_lazy("Give a year between 2000 and five years from now.")


def park_fixed_once_created(serializer, fields) -> dict:
    """A row stays in its park (and on its sheet): the field is writable on creation only."""
    if serializer.instance is not None:
        fields["park"].read_only = True
    return fields


# --- star levels -----------------------------------------------------------------------------------


class StarLevelSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))

    class Meta:
        model = StarLevel
        fields = ["id", "park", "stars", "min_score", "classification"]

    def get_fields(self):
        return park_fixed_once_created(self, super().get_fields())

    def create(self, validated_data):
        return self._save(StarLevel(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, level: StarLevel, validated_data: dict) -> StarLevel:
        assign(level, validated_data)
        return services.star_level_save(level=level, actor=self.context["request"].user)


class StarLevelViewSet(ScopedViewSet):
    """A park's thresholds: a total of at least `min_score` earns `stars` and `classification`."""

    queryset = StarLevel.objects.all()
    serializer_class = StarLevelSerializer
    filterset_fields = ["park", "stars", "classification"]
    ordering_fields = ["stars", "min_score"]
    ordering = ["park", "-stars"]


# --- scoring sheets and criteria -------------------------------------------------------------------


class CriterionSerializer(serializers.ModelSerializer):
    sheet = ScopedRelatedField(queryset=ScoringSheet.objects.all(), label=gettext_lazy("scoring sheet"))

    class Meta:
        model = Criterion
        fields = ["id", "sheet", "position", "title", "description", "max_points", "weight", "is_veto", "source"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["sheet"].read_only = True  # a new version is a copy, not a move
        return fields

    def create(self, validated_data):
        return services.criterion_save(criterion=Criterion(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.criterion_save(criterion=instance, actor=self.context["request"].user)


class SheetCriterionSerializer(CriterionSerializer):
    class Meta(CriterionSerializer.Meta):
        fields = ["id", "position", "title", "description", "max_points", "weight", "is_veto", "source"]


class ScoringSheetSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    criteria = SheetCriterionSerializer(many=True, read_only=True)

    class Meta:
        model = ScoringSheet
        fields = ["id", "park", "year", "version", "title", "created_at", "criteria"]
        # A second sheet of a year is a new version (the `new-version` action), never a number chosen here.
        read_only_fields = ["version"]

    def get_fields(self):
        return park_fixed_once_created(self, super().get_fields())

    def create(self, validated_data):
        return services.sheet_save(sheet=ScoringSheet(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.sheet_save(sheet=instance, actor=self.context["request"].user)


class ScoringSheetViewSet(ScopedViewSet):
    """A park's scoring sheets with their criteria. Once a confirmed rating uses a sheet, its criteria
    change only in a new version (`new-version`)."""

    queryset = ScoringSheet.objects.prefetch_related("criteria")
    serializer_class = ScoringSheetSerializer
    filterset_fields = ["park", "year"]
    ordering_fields = ["year", "version"]
    ordering = ["park", "-year", "-version"]
    search_fields = ["title"]

    @extend_schema(request=None, responses={201: ScoringSheetSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        copy = services.sheet_new_version(sheet=self.get_object(), actor=request.user)
        copy = self.get_queryset().get(pk=copy.pk)
        return Response(self.get_serializer(copy).data, status=status.HTTP_201_CREATED)


class CriterionViewSet(ScopedViewSet):
    queryset = Criterion.objects.all()
    serializer_class = CriterionSerializer
    filterset_fields = ["sheet", "is_veto", "source"]
    ordering_fields = ["position"]
    ordering = ["sheet", "position", "pk"]


# --- ratings ---------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    """What was uploaded; the file itself is not served through the API."""

    class Meta:
        model = RatingEvidence
        fields = ["id", "item", "content_type", "size", "original_name", "uploaded_at"]


class RatingItemSerializer(serializers.ModelSerializer):
    """Read: the item's score with its criterion and the suggestion; write: criterion, score, reason,
    triggered (the other criteria keep their scores)."""

    criterion = ScopedRelatedField(
        queryset=Criterion.objects.all(), scope=access.visible, label=gettext_lazy("criterion")
    )
    criterion_title = serializers.CharField(source="criterion.title", read_only=True)
    max_points = serializers.DecimalField(source="criterion.max_points", max_digits=5, decimal_places=2, read_only=True)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    triggered = serializers.BooleanField(required=False, default=False)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = RatingItem
        fields = ["id", "criterion", "criterion_title", "max_points", "score", "suggested", "reason", "triggered",
                  "evidence"]  # fmt: skip
        read_only_fields = ["suggested"]


class RatingSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all(), label=gettext_lazy("organization"))
    sheet = ScopedRelatedField(
        queryset=ScoringSheet.objects.all(),
        required=False,
        help_text=gettext_lazy("Defaults to the park's latest sheet of the year (or of the latest earlier year)."),
    )
    assessed_on = serializers.DateField(
        required=False, help_text=gettext_lazy("Defaults to the quarter's last day, or today while it runs.")
    )
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    period = serializers.CharField(read_only=True)
    items = RatingItemSerializer(many=True, required=False)
    reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        max_length=CHANGE_REASON_LENGTH,
        help_text=gettext_lazy("Why a confirmed rating changes (required then)."),
    )

    class Meta:
        model = Rating
        fields = [
            "id", "park", "organization", "sheet", "year", "quarter", "period", "assessed_on", "total", "stars",
            "classification", "vetoed", "status", "assessor", "notes", "confirmed_at", "items", "reason",
        ]  # fmt: skip
        read_only_fields = [
            "park", "total", "stars", "classification", "vetoed", "status", "assessor", "confirmed_at",
        ]  # fmt: skip
        # One rating per organization and quarter: the service says so in a sentence naming `quarter`.
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # Items belong to the sheet and quarter they were scored on: a wrong entry is corrected by
            # its scores, not moved.
            for name in ("organization", "sheet", "year", "quarter"):
                fields[name].read_only = True
        return fields

    def validate(self, attrs):
        year = attrs.get("year", getattr(self.instance, "year", None))
        if year is not None and not year_in_range(year):
            raise serializers.ValidationError({"year": YEAR_MESSAGE})
        return attrs

    def create(self, validated_data):
        organization, year = validated_data["organization"], validated_data["year"]
        validated_data.setdefault("sheet", selectors.sheet_for(park_id=organization.park_id, year=year))
        if validated_data["sheet"] is None:
            raise serializers.ValidationError({"sheet": _("The park has no scoring sheet for this year or before.")})
        validated_data.setdefault("assessed_on", services.assessed_on_default(year, validated_data["quarter"]))
        return self._save(Rating(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, rating: Rating, validated_data: dict) -> Rating:
        items = validated_data.pop("items", None)
        reason = validated_data.pop("reason", "")
        assign(rating, validated_data)
        lines = None if items is None else [services.ItemLine(**row) for row in items]
        return services.rating_save(rating=rating, items=lines, actor=self.context["request"].user, reason=reason)

    def to_representation(self, instance):
        # After a write, read the items back the way the list does (prefetched, with their criteria).
        if "items" not in getattr(instance, "_prefetched_objects_cache", {}):
            instance = ratings_queryset().get(pk=instance.pk)
        return super().to_representation(instance)


def ratings_queryset():
    items = RatingItem.objects.select_related("criterion").prefetch_related("evidence")
    return Rating.objects.prefetch_related(Prefetch("items", queryset=items))


RATING_SHEET = Sheet(
    title=gettext_lazy("Star ratings"),
    serializer=RatingSerializer,
    fields=(
        "park",
        "organization",
        "year",
        "quarter",
        "period",
        "assessed_on",
        "total",
        "stars",
        "classification",
        "vetoed",
        "status",
        "assessor",
        "notes",
        "confirmed_at",
    ),
    names={"park": "park__name", "organization": "organization__name", "assessor": "assessor__username"},
    labels={"period": gettext_lazy("Period")},
    # The serializer reads a rating's items from the prefetch (else it fetches the rating again).
    prepare=lambda ratings: ratings.prefetch_related("items"),
)  # fmt: skip


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """`?stars=4,5`: several numbers."""


class RatingFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    status = ChoiceInFilter(choices=Rating.Status.choices)
    classification = ChoiceInFilter(choices=Classification.choices)
    stars = NumberInFilter(field_name="stars", min_value=1, max_value=MAX_STARS)
    within = SubtreeFilter(path_field="organization__path", label=gettext_lazy("within organization"))
    good_or_above = django_filters.BooleanFilter(
        method="filter_good_or_above", label=gettext_lazy("rated good or above (demonstration or standard)")
    )
    as_of = AsOfFilter(
        help_text=gettext_lazy(
            "The ratings in force that day: each organization's latest confirmed rating assessed on or before "
            "it (the rows stats/ratings counts)."
        )
    )

    class Meta:
        model = Rating
        fields = ["park", "organization", "year", "quarter", "status", "stars", "classification", "within",
                  "good_or_above", "as_of"]  # fmt: skip

    def filter_queryset(self, queryset):
        """With `as_of`, only the ratings in force that day (selectors.ratings_in_force, the rule of
        stats/ratings); the other filters then narrow them as the figure's groups do."""
        day = self.form.cleaned_data.get("as_of")
        if day:
            park = self.form.cleaned_data.get("park")
            queryset = selectors.ratings_in_force(day, ratings=queryset, park_ids=[park.pk] if park else None)
        return super().filter_queryset(queryset)

    def filter_good_or_above(self, queryset, name, value):
        if value is None:
            return queryset
        good = selectors.good_or_above()
        return queryset.filter(good) if value else queryset.exclude(good)


class SuggestionQuery(serializers.Serializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all(), scope=access.visible)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)

    def validate_year(self, year):
        if not year_in_range(year):
            raise serializers.ValidationError(YEAR_MESSAGE)
        return year


class SuggestedItemSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    title = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=5, decimal_places=2)
    is_veto = serializers.BooleanField()
    suggested = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class SuggestionSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    sheet = serializers.IntegerField()
    items = SuggestedItemSerializer(many=True)
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    stars = serializers.IntegerField(min_value=1, max_value=MAX_STARS)
    classification = serializers.ChoiceField(choices=Classification.choices)


class EvidenceUploadSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=gettext_lazy("id of the rating item"))
    file = serializers.FileField()


class RatingViewSet(ScopedViewSet):
    """Quarterly ratings with their item scores. Park admins rate and confirm; secretaries read their
    subtree's. A confirmed rating changes only with a `reason`."""

    queryset = ratings_queryset()
    serializer_class = RatingSerializer
    filterset_class = RatingFilter
    ordering_fields = ["year", "quarter", "total", "stars", "assessed_on"]
    ordering = ["-year", "-quarter", "organization__path"]
    export_sheet = RATING_SHEET

    @extend_schema(request=None, responses=RatingSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        services.rating_confirm(rating=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(parameters=[SuggestionQuery], responses=SuggestionSerializer)
    @action(detail=False, methods=["get"])
    def suggestions(self, request):
        """The score the portal suggests for each criterion, and the stars those scores would earn."""
        params = SuggestionQuery(data=request.query_params, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        organization, year, quarter = (params.validated_data[k] for k in ("organization", "year", "quarter"))
        sheet = selectors.sheet_for(park_id=organization.park_id, year=year)
        if sheet is None:
            raise serializers.ValidationError({"year": _("The park has no scoring sheet for this year or before.")})
        suggested = selectors.suggestions(organization=organization, year=year, quarter=quarter, sheet=sheet)
        criteria = list(sheet.criteria.all())
        total, vetoed = services.total_of([services.ItemLine(c, suggested.get(c.pk) or 0) for c in criteria])
        stars, classification = services.level_for(
            list(StarLevel.objects.filter(park_id=organization.park_id)), total, vetoed=vetoed
        )
        body = {
            "organization": organization.pk, "year": year, "quarter": quarter, "sheet": sheet.pk,
            "items": [
                {"criterion": c.pk, "title": c.title, "max_points": c.max_points, "is_veto": c.is_veto,
                 "suggested": suggested.get(c.pk)}
                for c in criteria
            ],
            "total": total, "stars": stars, "classification": classification,
        }  # fmt: skip
        return Response(SuggestionSerializer(body).data)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={201: EvidenceSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """A photo or PDF supporting one item's score (JPEG/PNG/WebP/PDF by content, at most 10 MB)."""
        rating = self.get_object()
        params = EvidenceUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        item = rating.items.filter(pk=params.validated_data["item"]).first()
        if item is None:
            raise serializers.ValidationError({"item": _("This item is not part of the rating.")})
        evidence = services.evidence_add(item=item, upload=params.validated_data["file"], actor=request.user)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --- honours ---------------------------------------------------------------------------------------


class HonorSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True, label=gettext_lazy("organization")
    )
    enterprise = ScopedRelatedField(
        queryset=related_rows(Honor, "enterprise"), required=False, allow_null=True, label=gettext_lazy("enterprise")
    )

    class Meta:
        model = Honor
        fields = ["id", "park", "year", "kind", "star", "title", "organization", "enterprise", "awarded_by",
                  "awarded_on", "notes"]  # fmt: skip
        # A five-star honour's title defaults to its star's name.
        extra_kwargs = {"title": {"required": False, "allow_blank": True}}
        # The service (and the model's conditional constraints in full_clean) refuse duplicates.
        validators: list = []

    def get_fields(self):
        return park_fixed_once_created(self, super().get_fields())

    def create(self, validated_data):
        return services.honor_save(honor=Honor(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.honor_save(honor=instance, actor=self.context["request"].user)


class HonorViewSet(ScopedViewSet):
    """Honours of the park's organizations and enterprises (五星争创, 党建品牌, other titles)."""

    queryset = Honor.objects.all()
    serializer_class = HonorSerializer
    filterset_fields = ["park", "year", "kind", "star", "organization", "enterprise"]
    ordering_fields = ["year", "kind", "title"]
    ordering = ["park", "-year", "kind", "star", "title", "pk"]
    search_fields = ["title"]


# --- statistics ------------------------------------------------------------------------------------


class RatingStatsQuery(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    as_of = serializers.DateField(required=False, help_text=gettext_lazy("Defaults to today."))


class RatingStatsSerializer(serializers.Serializer):
    park = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField()
    rated = serializers.IntegerField()
    by_stars = serializers.DictField(child=serializers.IntegerField())
    by_classification = serializers.DictField(child=serializers.IntegerField())
    good_or_above = serializers.IntegerField()
    good_or_above_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    links = LinksField()


def rating_links(request, *, park_id: int | None, as_of) -> dict[str, str]:
    """Each count of stats/ratings → `ratings/?as_of=` with the filter of its group."""

    def url(**filters) -> str:
        return list_url(request, "rating", park=park_id, as_of=as_of, **filters)

    return {
        "rated": url(),
        **{f"by_stars.{n}": url(stars=n) for n in range(1, MAX_STARS + 1)},
        **{f"by_classification.{c}": url(classification=c) for c in Classification.values},
        "good_or_above": url(good_or_above=True),
    }


class RatingStatsView(StatisticsView):
    """The ratings in force on a date (each organization's latest confirmed rating assessed on or before
    it), by stars and by class, and the share rated good or above (demonstration or up to standard). One
    SQL query. `links` opens each count's ratings (`ratings/?as_of=`)."""

    @extend_schema(parameters=[RatingStatsQuery], responses=RatingStatsSerializer)
    def get(self, request):
        params = self.query(RatingStatsQuery)
        park_id = params.get("park")
        as_of = params.get("as_of") or timezone.localdate()
        stats = selectors.rating_stats(park_ids=park_ids_for_statistics(request, park_id), as_of=as_of)
        links = rating_links(request, park_id=park_id, as_of=as_of)
        return Response(RatingStatsSerializer({**stats, "park": park_id, "as_of": as_of, "links": links}).data)
