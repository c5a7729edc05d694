"""Admin screens for subsidy rules, the ledger and dues (registered by organizations.admin).

The ledger is read-only here: proposals, approval, payment and reversal happen on the ledger page and
through the API, where only park admins act and a paid record is final. Nothing is deleted.
"""

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organizations.models import DuesCollection, Subsidy, SubsidyRate, SubsidyRule
from organizations.subsidies import services
from parkparty.admin import ScopedAdmin
from parkparty.forms import add_service_errors


class SubsidyRateInline(admin.TabularInline):
    model = SubsidyRate
    extra = 0


class SubsidyRuleForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        add_service_errors(self, services.rule_errors(self.instance))


@admin.register(SubsidyRule)
class SubsidyRuleAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = SubsidyRuleForm
    list_display = ["kind", "park", "valid_from", "share", "amount", "source"]
    list_filter = ["park", "kind"]
    inlines = [SubsidyRateInline]

    def has_change_permission(self, request, obj=None):
        # Records keep the rule they were computed with: a used rule is final, a new one supersedes it.
        used = obj is not None and obj.subsidies.exists()
        return super().has_change_permission(request, obj) and not used


@admin.register(Subsidy)
class SubsidyAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["organization", "kind", "period", "amount", "status", "voucher_no", "paid_on"]
    list_filter = ["park", "kind", "status"]
    search_fields = ["organization__name", "voucher_no"]
    list_select_related = ["organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DuesForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()
        if self.instance.organization_id:
            self.instance.park_id = self.instance.organization.park_id
            add_service_errors(self, services.dues_errors(self.instance))


@admin.register(DuesCollection)
class DuesCollectionAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = DuesForm
    list_display = ["organization", "month", "amount", "members_paying"]
    list_filter = ["park"]
    raw_id_fields = ["organization"]
    exclude = ["park", "recorded_by"]

    def save_model(self, request, obj, form, change):
        services.dues_record(dues=obj, actor=request.user)
