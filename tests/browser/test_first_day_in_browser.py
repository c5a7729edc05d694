"""A park committee's first day, in a real browser, as the park admin: the ledger comes in from the
Excel template, an enterprise is added by hand and attached to a joint branch, the coverage figures
count both, and a branch secretary gets a login and sees only their branch. Every step is a click or a
form of the portal's pages: no /api/ or /admin/ URL is opened (checked on every request the browser
makes)."""

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from enterprises.models import Coverage, Enterprise
from organizations.models import Organization
from tests.browser.conftest import PHONE
from tests.factories import credit_code

pytestmark = pytest.mark.browser

NEW_PASSWORD = "first-day-2026-pw"
# The three rows the first upload gets wrong, and the column each error names.
BAD_ROWS = {3: "统一社会信用代码", 4: "覆盖党组织", 5: "入园日期"}


def refuse_api_and_admin(page, visited: list[str]):
    page.on("request", lambda request: visited.append(request.url))


def figure(page, name: str) -> int:
    return int(page.locator(f"[data-figure={name}]").inner_text())


def download_template(page, tmp_path: Path) -> Path:
    with page.expect_download() as download:
        page.locator("a[href$='/imports/templates/enterprises.xlsx']").click()
    path = tmp_path / "企业台账.xlsx"
    download.value.save_as(path)
    return path


def fill_ledger(template: Path, target: Path, *, fixed: bool) -> Path:
    """The committee's sheet in the template: four enterprises covered by the joint branch, three of
    them wrong on the first try (a bad credit code, an organization the park lacks, a date that is
    not one); the example row is replaced."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2)
    for n in range(4):
        row = {
            "企业名称": f"新入园企业{n}",
            "统一社会信用代码": credit_code(7100 + n),
            "入园日期": "2024-03-01",
            "覆盖党组织": "乙联合支部",
            "覆盖开始日期": "2024-04-01",
        }
        if not fixed and n == 1:
            row["统一社会信用代码"] = "12345"
        if not fixed and n == 2:
            row["覆盖党组织"] = "不存在的支部"
        if not fixed and n == 3:
            row["入园日期"] = "明年春天"
        sheet.append([row.get(column, "") for column in header])
    buffer = BytesIO()
    book.save(buffer)
    target.write_bytes(buffer.getvalue())
    return target


def upload(page, workbook: Path):
    page.get_by_role("link", name="从Excel导入", exact=True).click()
    page.select_option("select[name=kind]", "enterprises")
    page.set_input_files("input[name=file]", str(workbook))
    page.get_by_role("button", name="校验工作簿", exact=True).click()
    expect(page.locator("[data-count=created]")).to_be_visible()


def test_a_park_admins_first_day(new_page, log_in, live_server, world, tmp_path, screenshot_dir):
    visited: list[str] = []
    page = log_in(new_page())
    refuse_api_and_admin(page, visited)
    before = {name: figure(page, name) for name in ("total", "covered")}

    # The ledger from Excel: the template, then a sheet with three bad rows.
    page.get_by_role("link", name="管理", exact=True).click()
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "first-day-hub.png", full_page=True)
    page.get_by_role("link", name="从Excel导入", exact=True).click()
    template = download_template(page, tmp_path)
    page.get_by_role("link", name="管理", exact=True).click()
    upload(page, fill_ledger(template, tmp_path / "台账-初稿.xlsx", fixed=False))
    expect(page.locator("[data-count=error_rows]")).to_have_text("3")
    errors = page.locator("tr.error-row")
    expect(errors).to_have_count(3)
    shown = {int(errors.nth(i).locator("th").inner_text()): errors.nth(i).locator("td").first.inner_text()
             for i in range(3)}  # fmt: skip
    assert shown == BAD_ROWS
    expect(page.get_by_role("button", name="确认导入", exact=True)).to_have_count(0)
    assert not Enterprise.objects.filter(name__startswith="新入园企业").exists()

    # Fixed, checked again and confirmed.
    page.get_by_role("link", name="管理", exact=True).click()
    upload(page, fill_ledger(template, tmp_path / "台账.xlsx", fixed=True))
    expect(page.locator("[data-count=created]")).to_have_text("4")
    expect(page.locator("[data-count=error_rows]")).to_have_text("0")
    page.get_by_role("button", name="确认导入", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("导入")
    imported = Enterprise.objects.filter(name__startswith="新入园企业")
    assert imported.count() == 4
    assert Coverage.objects.filter(enterprise__in=imported, organization=world.branch_b).count() == 4

    # One by hand, attached to the joint branch with the searchable picker.
    page.get_by_role("link", name="管理", exact=True).click()
    page.get_by_role("link", name="新增企业", exact=True).click()
    page.fill("input[name=name]", "手工录入科技有限公司")
    page.fill("input[name=credit_code]", credit_code(7200))
    page.fill("input[name=entered_on]", "2025-05-01")
    page.click("form.form-card button[type=submit]")
    expect(page.locator("h1")).to_have_text("手工录入科技有限公司")
    page.get_by_role("link", name="指定覆盖党组织", exact=True).click()
    control = page.locator("#id_organization-ts-control")
    control.click()
    control.fill("联合")
    page.locator(".ts-dropdown .option", has_text="乙联合支部").click()
    page.fill("input[name=started_on]", "2025-06-01")
    page.click("form.form-card button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    by_hand = Enterprise.objects.get(name="手工录入科技有限公司")
    assert Coverage.objects.get(enterprise=by_hand).organization_id == world.branch_b.pk
    assert world.branch_b.formation == Organization.Formation.JOINT

    # The coverage figures count both: the four imported and the one by hand.
    page.get_by_role("link", name="概览", exact=True).click()
    assert figure(page, "total") == before["total"] + 5
    assert figure(page, "covered") == before["covered"] + 5
    if screenshot_dir:
        page.screenshot(path=screenshot_dir / "first-day-overview.png", full_page=True)

    # A login for the joint branch's new secretary, its temporary password shown once.
    page.get_by_role("link", name="管理", exact=True).click()
    page.get_by_role("link", name="账号与角色", exact=True).click()
    page.get_by_role("link", name="新建账号", exact=True).click()
    page.fill("input[name=username]", "secretary_new")
    page.fill("input[name=full_name]", "赵六")
    page.select_option("select[name=role]", "secretary")
    page.select_option("select[name=organization]", str(world.branch_b.pk))
    page.click("form.form-card button[type=submit]")
    password = page.locator("[data-temporary-password]").inner_text().strip()
    assert len(password) >= 10

    assert not [url for url in visited if "/api/" in url or "/admin/" in url], visited

    # The secretary, on a phone: the first login asks for their own password, then their branch only.
    phone = new_page(PHONE)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "secretary_new")
    phone.fill("input[name=password]", password)
    phone.click("form.stacked button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/accounts/password_change/")
    phone.fill("input[name=old_password]", password)
    phone.fill("input[name=new_password1]", NEW_PASSWORD)
    phone.fill("input[name=new_password2]", NEW_PASSWORD)
    phone.click("form.form-card button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/accounts/password_change/done/")
    phone.goto(f"{live_server.url}/organizations/")
    tree = phone.locator("main")
    expect(tree).to_contain_text("乙联合支部")
    expect(tree).not_to_contain_text("甲支部")
    phone.goto(f"{live_server.url}/organizations/{world.branch_a.pk}/")
    expect(phone.locator("h1")).not_to_contain_text("甲支部")
    if screenshot_dir:
        phone.screenshot(path=screenshot_dir / "first-day-secretary.png", full_page=True)
