"""Pages where park admins set the park's meeting rules (会议制度: 三会一课 and the rest), which the
compliance figures hold organizations to.

Only park admins reach them (403 for everyone else; 404 for a rule or park outside the parks they
administer: `parkparty.managing`); writes go through `meetings.services`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import services
from meetings.models import MeetingRule
from meetings.setup_forms import MeetingRuleForm
from organizations.models import Organization
from parkparty.managing import admin_parks, admin_row, chosen_park
from parkparty.pages import save_form

PAGE_SIZE = 50


def _list_url(park_id: int) -> str:
    return f"{reverse('meeting-rules')}?park={park_id}"


@login_required
def rule_list(request):
    """The park's rules by kind of organization. Queries: the parks, the count, one page of rules."""
    parks = admin_parks(request.user)
    park = chosen_park(request, parks)
    rules = MeetingRule.objects.filter(park=park).order_by("organization_kind", "kind", "pk")
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = dict(Organization.Kind.choices)
    for rule in page.object_list:
        rule.organization_kind_label = kinds.get(rule.organization_kind, rule.organization_kind)
    return render(request, "meetings/rule_list.html", {"parks": parks, "park": park, "page": page})


def _rule_page(request, form, rule: MeetingRule, title: str):
    return render(
        request,
        "manage/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": [(_list_url(rule.park_id), _("Meeting rules"))],
            "intro": rule.park.name,
            "cancel_url": _list_url(rule.park_id),
        },
    )


def _save(request, form: MeetingRuleForm, rule: MeetingRule):
    return save_form(request, form, lambda data: services.meeting_rule_save(rule=form.apply(rule), actor=request.user))


@login_required
def rule_new(request):
    park = chosen_park(request, admin_parks(request.user))
    rule = MeetingRule(park=park)
    form = MeetingRuleForm(request.POST or None)
    if _save(request, form, rule):
        messages.success(request, _("The meeting rule is added."))
        return redirect(_list_url(park.pk))
    return _rule_page(request, form, rule, _("New meeting rule"))


@login_required
def rule_edit(request, pk: int):
    rule = admin_row(request.user, MeetingRule.objects.select_related("park"), pk)
    form = MeetingRuleForm(request.POST or None, initial={name: getattr(rule, name) for name in MeetingRuleForm.FIELDS})
    if _save(request, form, rule):
        messages.success(request, _("The meeting rule is saved."))
        return redirect(_list_url(rule.park_id))
    return _rule_page(request, form, rule, _("Edit the meeting rule"))


@login_required
@require_POST
def rules_defaults(request):
    park = chosen_park(request, admin_parks(request.user))
    added = services.rules_install_defaults(park=park, actor=request.user)
    messages.success(request, _("%(count)s default meeting rules are added.") % {"count": added})
    return redirect(_list_url(park.pk))
