"""Pages where park admins set the park's subsidy rules (红星津贴 rates by star level, the dues return's
share, allowances and funds), dated: a new policy is a new rule from a later date.

Only park admins reach them (403 for everyone else; 404 for a rule or park outside the parks they
administer: `parkparty.managing`); writes go through `organizations.subsidies.services.rule_save`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.models import Subsidy, SubsidyRule
from organizations.subsidies import services
from organizations.subsidies.setup_forms import SubsidyRuleForm
from parkparty.managing import admin_parks, admin_row, chosen_park
from parkparty.pages import save_form

PAGE_SIZE = 50


def _list_url(park_id: int) -> str:
    return f"{reverse('subsidy-rules')}?park={park_id}"


@login_required
def rule_list(request):
    """The park's rules by kind, the latest first, with their rates. Queries: the parks, the count, one
    page of rules (whether records use each as a subquery), their rates."""
    parks = admin_parks(request.user)
    park = chosen_park(request, parks)
    used = Subsidy.objects.filter(rule=OuterRef("pk"))
    rules = (
        SubsidyRule.objects.filter(park=park)
        .annotate(in_use=Exists(used))
        .prefetch_related("rates")
        .order_by("kind", "-valid_from", "pk")
    )
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "subsidies/rule_list.html", {"parks": parks, "park": park, "page": page})


def _rule_page(request, form, rule: SubsidyRule, title: str, intro: str = ""):
    back = _list_url(rule.park_id)
    context = {"form": form, "title": title, "crumbs": [(back, _("Subsidy rules"))], "cancel_url": back}
    context["intro"] = f"{rule.park.name} · {intro}" if intro else rule.park.name
    return render(request, "manage/form.html", context)


def _save(request, form: SubsidyRuleForm, rule: SubsidyRule):
    def save(data):
        return services.rule_save(rule=form.apply(rule), rates=form.rates(), actor=request.user)

    return save_form(request, form, save)


@login_required
def rule_new(request):
    park = chosen_park(request, admin_parks(request.user))
    rule = SubsidyRule(park=park)
    form = SubsidyRuleForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if _save(request, form, rule):
        messages.success(request, _("The subsidy rule is added."))
        return redirect(_list_url(park.pk))
    return _rule_page(request, form, rule, _("New subsidy rule"))


@login_required
def rule_edit(request, pk: int):
    """A rule no record was computed with yet; one that records use is final (the service refuses it,
    and the page says so up front)."""
    rule = admin_row(request.user, SubsidyRule.objects.select_related("park"), pk)
    initial = {name: getattr(rule, name) for name in SubsidyRuleForm.FIELDS}
    initial |= {f"rate_{rate.stars}": rate.amount for rate in rule.rates.all()}
    form = SubsidyRuleForm(request.POST or None, initial=initial)
    if _save(request, form, rule):
        messages.success(request, _("The subsidy rule is saved."))
        return redirect(_list_url(rule.park_id))
    final = Subsidy.objects.filter(rule=rule).exists()
    intro = _("Records were computed with this rule: add a new rule from a later date instead.") if final else ""
    return _rule_page(request, form, rule, _("Edit the subsidy rule"), intro)
