"""A secretary logs a meeting from a phone and finds it in the calendar; an admin confirms it. And the
compliance table, calendar and matters board fit a phone's screen."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting
from meetings.services import AttendanceLine, meeting_save, rules_install_defaults
from parkparty.dates import local_datetime
from tests import factories as f
from tests.browser.conftest import DESKTOP, PHONE
from tests.meetings.test_meeting_pages import png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The live server writes uploads into a temporary directory, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def fits_the_screen(page) -> None:
    widths = page.evaluate(
        "() => ({page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth})"
    )
    assert widths["page"] <= widths["viewport"], widths


def test_a_secretary_logs_a_meeting_on_a_phone_and_an_admin_confirms_it(
    new_page, log_in, live_server, world, screenshot_dir
):
    away = f.PartyMemberFactory(organization=world.branch_a, name="赵六")
    page = log_in(new_page(PHONE), "secretary_a")
    page.click("nav.nav a[href='/meetings/new/']")
    page.wait_for_url(re.compile(r"/meetings/new/"))
    fits_the_screen(page)
    rows = page.locator(".att-row")
    expect(rows).to_have_count(2)
    expect(page.locator(".att-row input[value=present]:checked")).to_have_count(2)  # everyone present

    page.select_option("select[name=kind]", "party_lesson")
    page.fill("input[name=topic]", "党课：学习新修订的党章")
    page.fill("textarea[name=minutes]", "书记讲授党课，全体党员参加学习讨论。")
    row = page.locator(".att-row", has_text=away.name)
    reason = row.locator(".att-reason input")
    expect(reason).to_be_hidden()  # asked only when someone is not present
    row.locator("label.seg-absent").click()
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()
    reason.fill("外出参加培训")
    page.set_input_files(
        "input[name=attachments]", files=[{"name": "合影.png", "mimeType": "image/png", "buffer": png_bytes(40, 30)}]
    )
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "meeting-log-phone.png", full_page=True)
    page.click(".submit-bar button[type=submit]")

    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    meeting = Meeting.objects.get(topic="党课：学习新修订的党章")
    expect(page.locator("h1")).to_have_text("党课：学习新修订的党章")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "held")
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("外出参加培训")
    expect(page.locator("[data-figure=attendance-rate]")).to_have_text("50.0%")
    thumbnail = page.locator(".attachments img")
    expect(thumbnail).to_be_visible()
    page.wait_for_function("() => document.querySelector('.attachments img').naturalWidth === 40")
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "meeting-detail-phone.png", full_page=True)

    page.click("nav.nav a[href='/meetings/calendar/']")
    page.wait_for_url(re.compile(r"/meetings/calendar/"))
    held_in = timezone.localtime(meeting.held_at).strftime("%Y-%m")
    if page.locator("[data-month]").get_attribute("data-month") != held_in:  # logged just after midnight
        page.goto(f"{live_server.url}/meetings/calendar/?month={held_in}")
    link = page.get_by_role("link", name=re.compile("学习新修订的党章"))
    expect(link).to_be_visible()
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "calendar-phone.png", full_page=True)

    admin = log_in(new_page(PHONE), "admin")
    admin.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    admin.click("form[action$='/confirm/'] button")
    admin.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(admin.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    expect(admin.locator("form[action$='/confirm/']")).to_have_count(0)
    expect(admin.locator(".history .change-reason")).to_have_count(1)  # "confirmed", the reason of the change


def a_year_of_meetings(world) -> None:
    """Rules, a dozen more branches, and monthly meetings for some of them: a table worth looking at."""
    rules_install_defaults(park=world.park)
    today = timezone.localdate()
    for n in range(12):
        world.committee.refresh_from_db()
        branch = f.OrganizationFactory(park=world.park, parent=world.committee, name=f"第{n + 1}陶瓷企业党支部")
        member = f.PartyMemberFactory(organization=branch)
        for month in range(1, today.month):
            if (n + month) % 3 == 0:
                continue  # some months missed
            day = date(today.year, month, 10)
            for kind in ("branch_committee", "theme_day"):
                meeting_save(
                    meeting=Meeting(host=branch, kind=kind, status="held", held_at=local_datetime(day, 9),
                                    topic="支部会议"),
                    attendance=[AttendanceLine(member)],
                )  # fmt: skip


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_compliance_table_scrolls_inside_its_box_and_keeps_the_names_in_view(
    new_page, log_in, live_server, world, screenshot_dir, viewport
):
    a_year_of_meetings(world)
    page = log_in(new_page(viewport), "admin")
    page.click("nav.nav a[href='/meetings/compliance/']")
    page.wait_for_url(re.compile(r"/meetings/compliance/"))
    expect(page.locator("table.compliance tbody tr")).to_have_count(15)
    expect(page.locator("td.cell-missed").first).to_be_visible()
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / f"compliance-{'phone' if viewport == PHONE else 'desktop'}.png",
                        full_page=True)  # fmt: skip
    fits_the_screen(page)
    if viewport == PHONE:
        box = page.locator(".compliance-scroll")
        box.evaluate("element => element.scrollLeft = element.scrollWidth")
        name = page.locator("table.compliance tbody th").first.bounding_box()
        assert name["x"] >= 0  # the organization column stays put while the months scroll


def test_the_matters_board_fits_a_phone(new_page, log_in, live_server, world, screenshot_dir):
    from meetings.models import Matter
    from meetings.services import matter_save

    today = timezone.localdate()
    for n, status in enumerate(["open", "open", "in_progress", "resolved"]):
        done = status == "resolved"
        matter_save(
            matter=Matter(park=world.park, source="red_proxy", organization=world.branch_a, enterprise=world.enterprise_a,
                          category="recruitment", title=f"旺季用工缺口{n}", raised_on=today - timedelta(days=9),
                          due_on=today - timedelta(days=n), status=status, resolution="已协调" if done else "",
                          resolved_on=today if done else None)
        )  # fmt: skip
    page = log_in(new_page(PHONE), "secretary_a")
    page.click("nav.nav a[href='/meetings/matters/']")
    page.wait_for_url(re.compile(r"/meetings/matters/"))
    expect(page.locator(".matter-card", has_text="旺季用工缺口")).to_have_count(4)
    expect(page.locator("[data-overdue]")).to_have_count(2)  # due yesterday and the day before, not done
    card = page.locator(".matter-card", has_text="旺季用工缺口1")
    card.locator("summary").click()
    card.locator("select[name=status]").select_option("resolved")
    card.locator("button[type=submit]").click()
    expect(page.locator(".alert")).to_be_visible()  # no resolution: refused, with the form to complete
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "matter-refused-phone.png", full_page=True)
    page.fill("textarea[name=resolution]", "协调邻近企业共享用工")
    page.click(".submit-bar button[type=submit]")
    page.wait_for_url(re.compile(r"/meetings/matters/"))
    expect(page.locator(".column-resolved .matter-card", has_text="旺季用工缺口")).to_have_count(2)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "matters-phone.png", full_page=True)
