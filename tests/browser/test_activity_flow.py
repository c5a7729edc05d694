"""A secretary records an activity with photos on a phone and finds it on its page and in the list; an
admin moves an activist forward from the pipeline board, is refused while the year has not passed (the
error next to the date), then succeeds with a valid date."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Activity
from tests.browser.conftest import PHONE
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


def test_a_secretary_records_an_activity_with_photos_on_a_phone(new_page, log_in, live_server, world, screenshot_dir):
    page = log_in(new_page(PHONE), "secretary_a")
    page.click("nav.nav a[href='/activities/']")
    page.wait_for_url(re.compile(r"/activities/$"))
    page.click("a[href='/activities/new/']")
    page.wait_for_url(re.compile(r"/activities/new/"))
    fits_the_screen(page)

    page.select_option("select[name=kind]", "training")
    page.fill("input[name=title]", "安全生产培训")
    yesterday = timezone.localdate() - timedelta(days=1)
    page.fill("input[name=starts_at_0]", yesterday.isoformat())
    page.fill("input[name=starts_at_1]", "14:30")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("input[name=place]", "三楼会议室")
    page.locator(".participants label", has_text=world.member_a.name).click()
    expect(page.locator(f"input[name=participants][value='{world.member_a.pk}']")).to_be_checked()
    page.fill("input[name=non_member_count]", "6")
    page.set_input_files(
        "input[name=photos]",
        files=[
            {"name": "合影.png", "mimeType": "image/png", "buffer": png_bytes(40, 30)},
            {"name": "签到表.png", "mimeType": "image/png", "buffer": png_bytes(20, 30)},
        ],
    )
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "activity-form-phone.png", full_page=True)
    page.click(".submit-bar button[type=submit]")

    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    activity = Activity.objects.get(title="安全生产培训")
    assert page.url.endswith(f"/activities/{activity.pk}/")
    expect(page.locator("h1")).to_have_text("安全生产培训")
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("[data-figure=participants]")).to_have_text("1")
    expect(page.locator("[data-figure=non-members]")).to_have_text("6")
    expect(page.locator(f"[data-member='{world.member_a.pk}']")).to_be_visible()
    expect(page.locator(".attachments img")).to_have_count(2)
    page.wait_for_function("() => [...document.querySelectorAll('.attachments img')].every(i => i.naturalWidth > 0)")
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "activity-detail-phone.png", full_page=True)

    page.click("nav.nav a[href='/activities/']")
    page.wait_for_url(re.compile(r"/activities/$"))
    expect(page.locator(f"tr[data-activity='{activity.pk}']")).to_contain_text("安全生产培训")
    fits_the_screen(page)


def test_an_admin_moves_an_activist_forward_only_once_the_year_has_passed(
    new_page, log_in, live_server, world, screenshot_dir
):
    application = world.application_a  # an activist since 2023-03-01
    page = log_in(new_page(PHONE), "admin")
    page.click("nav.nav a[href='/pipeline/']")
    page.wait_for_url(re.compile(r"/pipeline/$"))
    card = page.locator(f".board-card[data-application='{application.pk}']")
    expect(card).to_have_class(re.compile("is-overdue"))  # allowed since 2024-03-01, not yet taken
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "pipeline-board-phone.png", full_page=True)
    card.locator("a").click()
    page.wait_for_url(re.compile(rf"/pipeline/{application.pk}/$"))
    expect(page.locator(".advance-form select[name=stage]")).to_have_value("target")

    page.fill(".advance-form input[name=on]", "2024-02-28")
    page.fill(".advance-form input[name=approved_by]", "甲支部支委会")
    page.click(".advance-form button[type=submit]")
    date_field = page.locator(".advance-form .field", has=page.locator("input[name=on]"))
    expect(date_field).to_have_class(re.compile("has-error"))
    expect(date_field.locator(".field-error")).to_contain_text("2024")
    application.refresh_from_db()
    assert application.stage == "activist"
    fits_the_screen(page)
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "pipeline-refused-phone.png", full_page=True)

    page.fill(".advance-form input[name=on]", "2024-03-05")
    page.click(".advance-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/pipeline/{application.pk}/$"))
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("[data-stage]").first).to_have_attribute("data-stage", "target")
    expect(page.locator("tr[data-step=target]")).to_contain_text("甲支部支委会")
    application.refresh_from_db()
    assert (application.stage, str(application.target_on)) == ("target", "2024-03-05")
