"""Admin screens for star levels, scoring sheets, ratings and honours (registered by organizations.admin).

Scoring sheets and honours are edited here through the same checks as the API. Ratings are read-only
here: they are scored on the inspection form, where suggestions and the confirmation lock apply.
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organizations.models import Criterion, Honor, Rating, RatingItem, ScoringSheet, StarLevel
from organizations.ratings import selectors, services
from parkparty.admin import ScopedAdmin
from parkparty.forms import add_service_errors


@admin.register(StarLevel)
class StarLevelAdmin(ScopedAdmin):
    list_display = ["park", "stars", "min_score", "classification"]
    list_filter = ["park"]


class CriterionForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        if self.has_changed():
            add_service_errors(self, services.criterion_errors(self.instance))


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    extra = 0
    can_delete = False
    fields = ["position", "title", "max_points", "weight", "is_veto", "source"]

    def _in_use(self, obj) -> bool:
        return obj is not None and selectors.sheet_in_use(obj)

    # A sheet that confirmed ratings use is frozen: its criteria change in a new version.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._in_use(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_use(obj)


@admin.register(ScoringSheet)
class ScoringSheetAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["title", "park", "year", "version"]
    list_filter = ["park", "year"]
    inlines = [CriterionInline]

    def get_readonly_fields(self, request, obj=None):
        # A sheet never changes park; one that confirmed ratings use keeps its year too (a new version
        # changes it).
        if obj is None:
            return []
        return ["park", "year", "version"] if selectors.sheet_in_use(obj) else ["park", "version"]

    def save_formset(self, request, form, formset, change):
        for criterion in formset.save(commit=False):
            services.criterion_save(criterion=criterion, actor=request.user)  # checked by CriterionForm already


class RatingItemInline(admin.TabularInline):
    model = RatingItem
    extra = 0
    can_delete = False
    fields = ["criterion", "suggested", "score", "reason", "triggered"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["organization", "year", "quarter", "total", "stars", "classification", "status"]
    list_filter = ["park", "year", "quarter", "stars", "classification", "status"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    inlines = [RatingItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class HonorForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        add_service_errors(self, services.honor_errors(self.instance))


@admin.register(Honor)
class HonorAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = HonorForm
    list_display = ["title", "year", "kind", "star", "organization", "enterprise", "awarded_by"]
    list_filter = ["park", "year", "kind", "star"]
    search_fields = ["title", "organization__name", "enterprise__name"]
    raw_id_fields = ["organization", "enterprise"]

    def save_model(self, request, obj, form, change):
        services.honor_save(honor=obj, actor=request.user)
