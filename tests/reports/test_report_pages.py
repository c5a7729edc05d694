"""The report pages: the list with its filters, a report's page drawn from its stored figures (and
reloading itself while the report is built), "generate now" for park admins, the workbook's download —
who sees what, what is refused (field named, nothing created), and query counts."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from reports.models import Report
from reports.sections import KIND_SECTIONS, title
from reports.views import XLSX
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE
from tests.organizations.test_rating_pages import count_queries
from tests.reports.test_reports_api import add_reports, next_month, queued_report

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.logout()
        client.force_login(world.users[role])
        return client

    return as_role


# --- the list --------------------------------------------------------------------------------------


def test_an_admin_sees_the_reports_with_links_and_the_generate_form(world, login):
    page = login("admin").get(reverse("report-list")).content.decode()
    assert f'data-report="{world.report_a.pk}"' in page
    assert reverse("report-detail", args=[world.report_a.pk]) in page
    assert reverse("report-download", args=[world.report_a.pk]) in page
    assert 'data-status="done"' in page
    assert reverse("report-generate") in page


def test_a_viewer_reads_the_list_without_the_generate_form(world, login):
    page = login("viewer").get(reverse("report-list")).content.decode()
    assert f'data-report="{world.report_a.pk}"' in page
    assert reverse("report-generate") not in page


@pytest.mark.parametrize("role", ["secretary_a", "secretary_b", "instructor"])
def test_roles_without_park_wide_figures_are_refused_the_reports(world, login, role):
    client = login(role)
    assert client.get(reverse("report-list")).status_code == 403
    assert client.get(reverse("report-detail", args=[world.report_a.pk])).status_code == 403
    assert client.get(reverse("report-download", args=[world.report_a.pk])).status_code == 403


def test_the_list_filters_by_park_kind_and_status_newest_period_first(world, login):
    quarter = queued_report(world.park, "quarterly", "2024-Q2")
    april = queued_report(world.park, "monthly", "2024-04")
    client = login("admin")

    def shown(**params) -> list[int]:
        return [report.pk for report in client.get(reverse("report-list"), params).context["page"].object_list]

    assert shown() == [quarter.pk, world.report_a.pk, april.pk]  # the quarter ends last
    assert shown(kind="quarterly") == [quarter.pk]
    assert shown(status="done", park=world.park.pk) == [world.report_a.pk]
    response = client.get(reverse("report-list"), {"kind": "weekly"})
    assert "kind" in response.context["form"].errors
    assert len(response.context["page"].object_list) == 3  # the bad criterion is left out, not guessed


def test_the_list_shows_no_report_of_another_park(world, login):
    other = queued_report(world.other_park)
    client = login("admin")
    assert [report.pk for report in client.get(reverse("report-list")).context["page"].object_list] == [
        world.report_a.pk
    ]
    assert client.get(reverse("report-detail", args=[other.pk])).status_code == 404


# session + scope, the parks (for the filter and the generate form), the count, one page of rows (park
# and who asked joined in; neither the figures nor the workbook read).
LIST_QUERIES = SESSION_AND_SCOPE + 3


def test_the_list_takes_as_many_queries_for_many_reports_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(LIST_QUERIES):
        one = count_queries(client, reverse("report-list"))
    add_reports(world, 20)
    with django_assert_num_queries(LIST_QUERIES):
        many = count_queries(client, reverse("report-list"))
    assert one == many


# --- a report's page -------------------------------------------------------------------------------


def test_a_report_page_shows_every_section_with_rates_dates_and_missing_values(world, login):
    response = login("viewer").get(reverse("report-detail", args=[world.report_a.pk]), **EN)
    page = response.content.decode()
    for key in ("coverage", "newly_uncovered"):
        assert f'data-section="{key}"' in page
    assert "Coverage" in page and "Newly uncovered enterprises" in page
    assert "Coverage rate" in page and "66.7%" in page  # the stored "0.6667"
    coverage = dict(response.context["sections"][0]["figures"])
    assert coverage["Change in coverage rate"].text == "—"
    assert coverage["Enterprises in the park"].number
    row = response.context["sections"][1]["rows"][0]
    assert [cell.text for _label, cell in row] == ["丙小微企业", "May 10, 2024", "—"]
    assert "Figures as of May 31, 2024" in page
    assert "甲园区 · " in page and "2024-05" in page  # the header a printed page starts with
    assert 'href="/static/css/print.css"' in page
    assert "data-poll-seconds" not in page  # done: nothing to wait for
    assert reverse("report-generate") not in page  # a viewer does not generate


def test_a_report_page_takes_one_query_for_the_report(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(SESSION_AND_SCOPE + 1):
        count_queries(client, reverse("report-detail", args=[world.report_a.pk]))


def test_a_report_being_built_says_so_and_reloads_itself(world, login):
    waiting = queued_report(world.park)
    page = login("viewer").get(reverse("report-detail", args=[waiting.pk]), **EN).content.decode()
    assert "data-working" in page and "Generating" in page
    assert "data-poll-seconds" in page  # static/js/report-detail.js reloads it
    assert reverse("report-download", args=[waiting.pk]) not in page


def test_a_failed_report_shows_its_error(world, login):
    failed = queued_report(world.park, status=Report.Status.FAILED, error="ZeroDivisionError: division by zero")
    page = login("admin").get(reverse("report-detail", args=[failed.pk]), **EN).content.decode()
    assert "could not be generated" in page and "ZeroDivisionError: division by zero" in page
    assert "location.reload" not in page
    assert reverse("report-generate") in page  # an admin may try again


# --- generate now ----------------------------------------------------------------------------------


def test_an_admin_generates_a_report_and_lands_on_it_done(world, login, django_capture_on_commit_callbacks):
    client = login("admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("report-generate"), {"park": world.park.pk, "kind": "half_year", "period": "2024-h1"}, **EN
        )
    report = Report.objects.get(park=world.park, kind="half_year", period="2024-H1")
    assert response.status_code == 302
    assert response["Location"] == reverse("report-detail", args=[report.pk])
    assert report.requested_by == world.users["admin"]
    page = client.get(response["Location"], **EN)
    assert page.context["report"].status == "done"
    assert [section["key"] for section in page.context["sections"]] == KIND_SECTIONS["half_year"]
    with translation.override("en"):
        titles = [escape(title(key)) for key in KIND_SECTIONS["half_year"]]
    assert all(f"<h2>{text}</h2>" in page.content.decode() for text in titles)
    assert len(list(page.context["messages"])) == 1


def test_the_generate_form_prefills_last_month(world, login):
    form = login("admin").get(reverse("report-generate")).context["form"]
    assert form["kind"].value() == "monthly"
    assert len(form["period"].value()) == 7


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "monthly", "period": "2024-13"}, "period"),
        ({"kind": "monthly", "period": "2024-Q2"}, "period"),
        ({"kind": "weekly", "period": "2024-05"}, "kind"),
        ({"kind": "monthly", "period": ""}, "period"),
    ],
)
def test_a_bad_request_shows_the_form_again_with_the_field_error(world, login, data, field):
    response = login("admin").post(reverse("report-generate"), {"park": world.park.pk, **data}, **EN)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Report.objects.count() == 1


def test_a_period_ahead_is_refused_on_the_period_field(world, login):
    data = {"park": world.park.pk, "kind": "monthly", "period": next_month()}
    response = login("admin").post(reverse("report-generate"), data, **EN)
    assert response.context["form"].errors == {"period": ["This period has not begun yet."]}
    assert "Nothing was saved" in response.content.decode()


def test_an_admin_generates_only_for_their_parks(world, login):
    data = {"park": world.other_park.pk, "kind": "monthly", "period": "2024-05"}
    response = login("admin").post(reverse("report-generate"), data, **EN)
    assert list(response.context["form"].errors) == ["park"]
    assert not Report.objects.filter(park=world.other_park).exists()


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_others_are_refused_generate_now(world, login, role):
    client = login(role)
    assert client.get(reverse("report-generate")).status_code == 403
    data = {"park": world.park.pk, "kind": "monthly", "period": "2024-06"}
    assert client.post(reverse("report-generate"), data).status_code == 403
    assert not Report.objects.filter(period="2024-06").exists()


# --- the download ----------------------------------------------------------------------------------


def test_the_workbook_downloads_as_an_xlsx_attachment(world, login):
    response = login("viewer").get(reverse("report-download", args=[world.report_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="report-park-a-monthly-2024-05.xlsx"'
    book = load_workbook(BytesIO(response.content), read_only=True)
    assert len(book.sheetnames) == 2  # the figures, the table of newly uncovered enterprises
    book.close()


def test_a_report_without_a_workbook_has_nothing_to_download(world, login):
    waiting = queued_report(world.park)
    assert login("admin").get(reverse("report-download", args=[waiting.pk])).status_code == 404
