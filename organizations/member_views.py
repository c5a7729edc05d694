"""The party-member roster page: one park's members as of a day, by status, 50 a page.

It lists the rows the member figures count (the overview's member card, a report's members section):
both read `organizations.selectors.members_as_of`, so a figure's link opens exactly its rows. Members
are read through `access.visible` (a secretary sees their subtree, an instructor no roster); the page
shows no personal data (ID-card numbers and phones are on the member's own forms and in the export,
masked there unless `access.sees_personal_data`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import render

from organizations.forms import MemberListForm
from organizations.models import Park, PartyMember
from organizations.selectors import members_as_of
from parkparty import access

PAGE_SIZE = 50


def roster(request) -> tuple[MemberListForm, Park | None, QuerySet[PartyMember]]:
    """The form of `?park=&as_of=&status=` and the members it selects, in roster order. Dated, the
    members on the roster that day with `status` read as of it (`status_on`); without a day, every member
    of the park with the status recorded now. The list page and its Excel export both call this."""
    form = MemberListForm(request.GET or None, parks=list(access.visible(request.user, Park)))
    form.is_valid()  # an invalid field shows on the form and is left out
    park = form.chosen_park()
    members = access.visible(request.user, PartyMember).filter(park=park)
    day = form.day()
    if day is not None:
        members = members_as_of(day, members=members)
    if status := form.value("status", None):
        members = members.filter(**{"status_on" if day else "status": status})
    return form, park, members.order_by("organization__path", "name", "pk")


@login_required
def member_list(request):
    """Three queries whatever the page holds: the user's parks, the count, one page of rows."""
    form, park, members = roster(request)
    page = Paginator(members.select_related("organization", "enterprise"), PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(PartyMember.Status.choices)
    for member in page.object_list:
        member.status_shown = labels.get(getattr(member, "status_on", member.status), member.status)
    context = {"form": form, "park": park, "page": page, "as_of": form.day()}
    return render(request, "organizations/member_list.html", context)
