"""A page form sent twice does its work once (parkparty.once): the one-time token every form that
writes carries, the redirect of a repeat to the first result, and a refused POST that keeps nothing."""

import re
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import views as meeting_views
from meetings.models import Meeting
from parkparty import once
from parkparty.models import SubmissionToken
from tests import factories as f
from tests.meetings.test_meeting_pages import log_form

TOKEN = re.compile(r'name="submission_token" value="([A-Za-z0-9_-]+)"')


def token_of(response) -> str:
    [token] = TOKEN.findall(response.content.decode())
    return token


@pytest.fixture
def secretary(client, world):
    client.force_login(world.users["secretary_a"])
    return client


def test_the_meeting_form_carries_a_new_token_on_every_showing(world, secretary):
    first = token_of(secretary.get(reverse("meeting-log")))
    second = token_of(secretary.get(reverse("meeting-log")))
    assert first != second
    assert SubmissionToken.objects.count() == 0  # showing a form stores nothing


def test_the_same_meeting_posted_twice_with_its_token_is_logged_once(world, secretary):
    token = token_of(secretary.get(reverse("meeting-log")))
    before = Meeting.objects.count()
    first = secretary.post(reverse("meeting-log"), log_form(world, submission_token=token))
    assert first.status_code == 302
    again = secretary.post(reverse("meeting-log"), log_form(world, submission_token=token))
    assert Meeting.objects.count() == before + 1
    meeting = Meeting.objects.latest("pk")
    assert (again.status_code, again["Location"]) == (302, reverse("meeting-detail", args=[meeting.pk]))
    assert first["Location"] == again["Location"]
    shown = [str(message) for message in get_messages(again.wsgi_request)]
    assert "此表单已提交并保存过：以下是已保存的内容。" in shown


def test_a_refused_post_keeps_nothing_and_its_token_serves_the_corrected_form(world, secretary):
    token = token_of(secretary.get(reverse("meeting-log")))
    before = Meeting.objects.count()
    refused = secretary.post(reverse("meeting-log"), log_form(world, topic="", submission_token=token))
    assert refused.status_code == 200
    assert token_of(refused) == token  # the form shown again keeps its token
    assert SubmissionToken.objects.count() == 0
    saved = secretary.post(reverse("meeting-log"), log_form(world, submission_token=token))
    assert saved.status_code == 302
    assert Meeting.objects.count() == before + 1


def test_the_same_token_with_other_values_is_another_submission(world, secretary):
    """Back, change a field, save: not a repeat (an edit form needs this)."""
    token = token_of(secretary.get(reverse("meeting-log")))
    before = Meeting.objects.count()
    secretary.post(reverse("meeting-log"), log_form(world, submission_token=token))
    secretary.post(reverse("meeting-log"), log_form(world, topic="另一次主题党日", submission_token=token))
    assert Meeting.objects.count() == before + 2


def test_a_token_is_the_users_own(world, secretary):
    token = token_of(secretary.get(reverse("meeting-log")))
    before = Meeting.objects.count()
    secretary.post(reverse("meeting-log"), log_form(world, submission_token=token))
    admin = Client()
    admin.force_login(world.users["admin"])
    response = admin.post(reverse("meeting-log"), log_form(world, submission_token=token))
    assert response.status_code == 302
    assert Meeting.objects.count() == before + 2


def test_a_post_without_a_token_is_handled_as_before(world, secretary):
    before = Meeting.objects.count()
    secretary.post(reverse("meeting-log"), log_form(world))
    secretary.post(reverse("meeting-log"), log_form(world))
    assert Meeting.objects.count() == before + 2
    assert SubmissionToken.objects.count() == 0


def test_a_forbidden_post_lets_the_token_go(world, client):
    client.force_login(world.users["viewer"])
    response = client.post(reverse("enterprise-new"), {"name": "某公司", once.FIELD: once.new_token()})
    assert response.status_code == 403
    assert SubmissionToken.objects.count() == 0


def test_a_token_older_than_a_day_is_forgotten(world, secretary):
    token = token_of(secretary.get(reverse("meeting-log")))
    before = Meeting.objects.count()
    secretary.post(reverse("meeting-log"), log_form(world, submission_token=token))
    SubmissionToken.objects.update(created_at=timezone.now() - once.TTL - timedelta(minutes=1))
    secretary.post(reverse("meeting-log"), log_form(world, submission_token=token))
    assert Meeting.objects.count() == before + 2
    assert SubmissionToken.objects.count() == 1  # the old one pruned, the new one kept


@pytest.mark.parametrize(
    "name",
    [
        "meeting-log",
        "matter-new",
        "meeting-rule-new",
        "activity-new",
        "venue-book",
        "venue-new",
        "designation-new",
        "plan-new",
        "enterprise-new",
        "instructor-new",
        "organization-new",
        "district-new",
        "grid-new",
        "subsidy-new",
        "subsidy-rule-new",
        "rating-new",
        "sheet-new",
        "application-new",
        "user-new",
        "import-start",
        "report-generate",
    ],
)
def test_every_create_page_carries_a_token(world, client, name):
    client.force_login(world.users["admin"])
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    assert TOKEN.search(response.content.decode()), name


# Forms that write nothing of the ledger: signing in, one's own password, the language, signing out.
WITHOUT_TOKEN = {"base.html", "registration/login.html", "accounts/password_change_form.html"}


def test_every_post_form_in_the_templates_carries_the_token():
    """A form added later without {% submission_token %} fails here, not in a double tap."""
    root = Path(settings.BASE_DIR) / "templates"
    missing = []
    for path in root.rglob("*.html"):
        name = str(path.relative_to(root))
        if name in WITHOUT_TOKEN:
            continue
        text = path.read_text()
        for match in re.finditer(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", text, re.S | re.I):
            if "{% submission_token %}" not in match.group(1) and "{% include" not in match.group(1):
                missing.append(name)
    assert missing == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_posts_of_one_form_log_one_meeting(monkeypatch):
    """The second POST arrives while the first is still saving: it waits on the claim's unique row,
    then answers with the first one's meeting."""
    park = f.ParkFactory()
    branch = f.OrganizationFactory(park=park)
    member = f.PartyMemberFactory(organization=branch)
    user = f.UserFactory()
    f.GrantFactory(user=user, role="secretary", organization=branch)
    world = type("World", (), {"branch_a": branch, "member_a": member})
    data = log_form(world, submission_token=once.new_token())
    saving, real_save = threading.Event(), meeting_views.meeting_save

    def slow_save(**kwargs):
        saved = real_save(**kwargs)
        saving.set()
        time.sleep(0.5)  # the second request arrives now
        return saved

    monkeypatch.setattr(meeting_views, "meeting_save", slow_save)
    answers = []

    def post(wait_for=None):
        try:
            client = Client()
            client.force_login(user)
            if wait_for is not None:
                wait_for.wait(timeout=10)
            answers.append(client.post(reverse("meeting-log"), data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post), threading.Thread(target=post, args=(saving,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Meeting.objects.filter(host=branch).count() == 1
    meeting = Meeting.objects.get(host=branch)
    assert [(a.status_code, a["Location"]) for a in answers] == [
        (302, reverse("meeting-detail", args=[meeting.pk]))
    ] * 2
