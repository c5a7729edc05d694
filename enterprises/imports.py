"""The enterprise ledger's Excel imports (parkparty.imports): enterprises with their covering
organization, keyed by credit code within the park; instructors with their assignments, keyed by
name within the park."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises import services
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from organizations.models import District, Grid, Organization
from parkparty.imports import Action, Column, ImportKind, Row, cells
from parkparty.imports.lookups import Names, renamed

REASON = gettext_lazy("Imported from Excel")
DATE_NOTE = gettext_lazy("A date such as 2024-03-05 (a date cell, or text).")

# Columns copied onto the enterprise as they are, with the value an empty cell means.
PLAIN = {
    "name": "",
    "industry": "",
    "above_scale": False,
    "above_quota": False,
    "employees": 0,
    "output_value": 0,
    "entered_on": None,
    "address": "",
    "charter_includes_party_building": False,
}

ENTERPRISE_COLUMNS = (
    Column("企业名称", "name", required=True, example="示例陶瓷有限公司"),
    Column(
        "统一社会信用代码",
        "credit_code",
        cells.code,
        required=True,
        example="91350526MA2XY1234G",
        note=gettext_lazy("18 characters with their check character; an enterprise of the park with this code is updated."),
    ),
    Column("行业", "industry", example="陶瓷制造"),
    Column("规上企业", "above_scale", cells.boolean, note=gettext_lazy("是 or 否; empty is 否."), example="是",
           allowed=lambda: ["是", "否"]),
    Column("限上企业", "above_quota", cells.boolean, note=gettext_lazy("是 or 否; empty is 否."), example="否",
           allowed=lambda: ["是", "否"]),
    Column("职工人数", "employees", cells.count, note=gettext_lazy("A whole number."), example=120),
    Column("年产值(万元)", "output_value", cells.amount, note=gettext_lazy("In 10,000 yuan, at most two decimals."),
           example=3500.5),
    Column("入园日期", "entered_on", cells.day, required=True, note=DATE_NOTE, example="2019-03-01"),
    Column("所在片区", "district", note=gettext_lazy("The name of a district of the park."), example=""),
    Column("所在网格", "grid", note=gettext_lazy("The name of a grid of the park."), example=""),
    Column("地址", "address", example="城东新区工业路8号"),
    Column("党建入章", "charter_includes_party_building", cells.boolean, note=gettext_lazy("是 or 否; empty is 否."),
           example="否", allowed=lambda: ["是", "否"]),
    Column(
        "覆盖党组织",
        "organization",
        note=gettext_lazy(
            "The name of the park's committee, general branch, branch or district station that covers the "
            "enterprise (import the organizations first). Empty leaves the coverage as it is."
        ),
        example="",
    ),
    Column(
        "覆盖开始日期",
        "coverage_from",
        cells.day,
        note=gettext_lazy(
            "When that organization began to cover it. Empty: the later of the entry and the founding "
            "date for a firm not yet covered, today for a change of organization."
        ),
        example="",
    ),
    Column(
        "组建方式",
        "formation",
        cells.choice(Organization.Formation),
        note=gettext_lazy(
            "How the covering organization was formed. It is the organization's (set it on the organizations "
            "sheet); here it is checked, and a row that says otherwise is an error."
        ),
        allowed=lambda: cells.labels(Organization.Formation),
        example="",
    ),
)  # fmt: skip


class EnterpriseImporter:
    """Reads the park's enterprises, districts, grids, organizations and open coverages once, so
    that a row costs only its own writes."""

    def __init__(self, *, park, actor):
        self.park, self.actor = park, actor
        self.today = timezone.localdate()
        self.by_code: dict[str, Enterprise] = {}
        for enterprise in Enterprise.objects.filter(park=park).order_by("-pk"):
            current = self.by_code.get(enterprise.credit_code)
            if current is None or (enterprise.status == Enterprise.Status.OPERATING != current.status):
                self.by_code[enterprise.credit_code] = enterprise  # the operating one, else the latest
        self.covered_by = dict(
            Coverage.objects.filter(enterprise__park=park, ended_on__isnull=True).values_list(
                "enterprise_id", "organization_id"
            )
        )
        self.districts = Names(District.objects.filter(park=park))
        self.grids = Names(Grid.objects.filter(park=park))
        self.organizations = Names(
            Organization.objects.filter(park=park), active=lambda organization: organization.dissolved_on is None
        )
        self.rows_of_code: dict[str, int] = {}

    def apply(self, row: Row) -> tuple[Action, str]:
        code = row["credit_code"]
        if code in self.rows_of_code:
            message = _("This credit code is on row %(row)s of the file already.") % {"row": self.rows_of_code[code]}
            raise ValidationError({"credit_code": message})
        self.rows_of_code[code] = row.number
        values = self._values(row)
        organization = self._organization(row)
        enterprise = self.by_code.get(code)
        if enterprise is None:
            enterprise, action = Enterprise(park=self.park, credit_code=code, **values), Action.CREATE
        else:
            changed = {name: value for name, value in values.items() if _differs(enterprise, name, value)}
            action = Action.UPDATE if changed else Action.UNCHANGED
            for name, value in changed.items():
                setattr(enterprise, name, value)
        if action != Action.UNCHANGED:
            enterprise._history_user, enterprise._change_reason = self.actor, str(REASON)
            services.enterprise_save(enterprise=enterprise, actor=self.actor)
        if organization is not None and self.covered_by.get(enterprise.pk) != organization.pk:
            self._cover(enterprise, organization, row.get("coverage_from"))
            action = Action.CREATE if action == Action.CREATE else Action.UPDATE
        self.by_code[code] = enterprise
        return action, enterprise.name

    def _values(self, row: Row) -> dict:
        values = {name: default if row[name] is None else row[name] for name, default in PLAIN.items() if name in row}
        for name, names in (("district", self.districts), ("grid", self.grids)):
            if name in row:
                values[name] = names.find(row[name], name) if row[name] else None
        return values

    def _organization(self, row: Row) -> Organization | None:
        if not row.get("organization"):
            if row.get("formation"):
                raise ValidationError({"organization": _("Name the covering organization whose formation this is.")})
            return None
        organization = self.organizations.find(row["organization"], "organization")
        if row.get("formation") and row["formation"] != organization.formation:
            message = _("The covering organization is formed %(formation)s.") % {
                "formation": organization.get_formation_display()
            }
            raise ValidationError({"formation": message})
        return organization

    def _cover(self, enterprise: Enterprise, organization: Organization, on) -> None:
        if on is None:
            new = enterprise.pk not in self.covered_by
            on = max(enterprise.entered_on, organization.established_on) if new else self.today
        try:
            services.coverage_start(enterprise=enterprise, organization=organization, on=on, actor=self.actor)
        except ValidationError as error:
            raise renamed(error, {"started_on": "coverage_from", "enterprise": "credit_code"}) from None
        self.covered_by[enterprise.pk] = organization.pk


def _differs(enterprise: Enterprise, name: str, value) -> bool:
    if name in ("district", "grid"):
        return getattr(enterprise, f"{name}_id") != (value.pk if value is not None else None)
    return getattr(enterprise, name) != value


# --- instructors and their assignments ----------------------------------------------------------

CODE_SEPARATORS = re.compile(r"[、;；,，\s]+")

INSTRUCTOR_COLUMNS = (
    Column("姓名", "name", required=True, example="陈指导",
           note=gettext_lazy("An instructor of the park with this name is updated.")),
    Column("职务", "title", example="园区党工委组织委员"),
    Column("手机号", "phone", example="13800001234"),
    Column("指导企业", "enterprises", example="91350526MA2XY1234G",
           note=gettext_lazy("Credit codes of the park's enterprises, separated by 、 or ; (import the enterprises "
                             "first). An enterprise not listed keeps its assignment: end it on the instructor's page.")),
    Column("开始日期", "started_on", cells.day, note=gettext_lazy("When the new assignments start. Empty: today."),
           example="2024-01-01"),
)  # fmt: skip


class InstructorImporter:
    """Keyed by name within the park; each listed enterprise gets an assignment unless one is open."""

    def __init__(self, *, park, actor):
        self.park, self.actor = park, actor
        self.today = timezone.localdate()
        self.by_name = {instructor.name: instructor for instructor in Instructor.objects.filter(park=park)}
        self.by_code: dict[str, Enterprise] = {}
        for enterprise in Enterprise.objects.filter(park=park).order_by("-pk"):
            current = self.by_code.get(enterprise.credit_code)
            if current is None or (enterprise.status == Enterprise.Status.OPERATING != current.status):
                self.by_code[enterprise.credit_code] = enterprise
        self.open_pairs = set(
            InstructorAssignment.objects.filter(instructor__park=park, ended_on__isnull=True).values_list(
                "instructor_id", "enterprise_id"
            )
        )

    def apply(self, row: Row) -> tuple[Action, str]:
        enterprises = self._enterprises(row.get("enterprises") or "")
        values = {name: row[name] or "" for name in ("title", "phone") if name in row}
        instructor = self.by_name.get(row["name"])
        if instructor is None:
            instructor, action = Instructor(park=self.park, name=row["name"], **values), Action.CREATE
        else:
            changed = {name: value for name, value in values.items() if getattr(instructor, name) != value}
            action = Action.UPDATE if changed else Action.UNCHANGED
            for name, value in changed.items():
                setattr(instructor, name, value)
        if action != Action.UNCHANGED:
            instructor._history_user = self.actor
            services.instructor_save(instructor=instructor, actor=self.actor)
        added = []
        for enterprise in enterprises:
            if (instructor.pk, enterprise.pk) not in self.open_pairs:
                self._assign(instructor, enterprise, row.get("started_on") or self.today)
                added.append((instructor.pk, enterprise.pk))
        if added and action == Action.UNCHANGED:
            action = Action.UPDATE
        self.open_pairs.update(added)
        self.by_name[instructor.name] = instructor
        return action, instructor.name

    def _enterprises(self, text: str) -> list[Enterprise]:
        enterprises = []
        for code in filter(None, CODE_SEPARATORS.split(text)):
            enterprise = self.by_code.get(cells.code(code))
            if enterprise is None:
                message = _("No enterprise of this park has the credit code %(code)s.") % {"code": code}
                raise ValidationError({"enterprises": message})
            if enterprise not in enterprises:
                enterprises.append(enterprise)
        return enterprises

    def _assign(self, instructor: Instructor, enterprise: Enterprise, on) -> None:
        try:
            services.assignment_start(instructor=instructor, enterprise=enterprise, on=on, actor=self.actor)
        except ValidationError as error:
            names = {"enterprise": "enterprises", "started_on": "started_on"}
            located = renamed(error, names)
            if not hasattr(located, "error_dict"):
                raise
            raise ValidationError(
                {field: [f"{enterprise.credit_code}: {message}" for message in messages]
                 for field, messages in located.message_dict.items()}
            ) from None  # fmt: skip


KINDS = [
    ImportKind(
        key="enterprises",
        label=gettext_lazy("enterprises"),
        columns=ENTERPRISE_COLUMNS,
        importer=EnterpriseImporter,
        order=20,
    ),
    ImportKind(
        key="instructors",
        label=gettext_lazy("instructors"),
        columns=INSTRUCTOR_COLUMNS,
        importer=InstructorImporter,
        order=40,
    ),
]
