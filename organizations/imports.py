"""The organization tree's and the rosters' Excel imports (parkparty.imports): party organizations,
keyed by name within their parent, and party members, keyed by ID-card number."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations import services
from organizations.models import District, Organization, PartyMember
from parkparty.imports import Action, Column, ImportKind, Row, cells
from parkparty.imports.lookups import Names
from parkparty.relations import related_rows

REASON = gettext_lazy("Imported from Excel")
DATE_NOTE = gettext_lazy("A date such as 2024-03-05 (a date cell, or text).")


def _active(organization: Organization) -> bool:
    return organization.dissolved_on is None


# --- organizations ---------------------------------------------------------------------------------

ORGANIZATION_COLUMNS = (
    Column("名称", "name", required=True, example="示例陶瓷有限公司党支部",
           note=gettext_lazy("An organization of this name under the same parent is updated.")),
    Column("类型", "kind", cells.choice(Organization.Kind), required=True, example=lambda: cells.zh(Organization.Kind.BRANCH.label),
           allowed=lambda: cells.labels(Organization.Kind)),
    Column("组建方式", "formation", cells.choice(Organization.Formation), required=True,
           example=lambda: cells.zh(Organization.Formation.STANDALONE.label), allowed=lambda: cells.labels(Organization.Formation)),
    Column("上级党组织", "parent",
           note=gettext_lazy("The name of an organization of the park, or of one on an earlier row. Empty: a top "
                             "organization. Put parents above their children."), example="园区党委"),
    Column("所在片区", "district", note=gettext_lazy("The name of a district of the park."), example=""),
    Column("成立日期", "established_on", cells.day, required=True, note=DATE_NOTE, example="2019-07-01"),
)  # fmt: skip


class OrganizationImporter:
    def __init__(self, *, park, actor):
        self.park, self.actor = park, actor
        rows = list(Organization.objects.filter(park=park))
        by_path = {organization.path: organization for organization in rows}
        self.names = Names(rows, active=_active)
        self.children: dict[tuple[int | None, str], Organization] = {}
        for organization in rows:
            parent = by_path.get(organization.path[: -Organization.steplen]) if organization.depth > 1 else None
            self.children[(parent.pk if parent else None, organization.name)] = organization
        self.districts = Names(District.objects.filter(park=park))

    def apply(self, row: Row) -> tuple[Action, str]:
        parent = self.names.find(row["parent"], "parent") if row.get("parent") else None
        fields = {
            "kind": row["kind"],
            "formation": row["formation"],
            "established_on": row["established_on"],
        }
        if "district" in row:
            fields["district"] = self.districts.find(row["district"], "district") if row["district"] else None
        key = (parent.pk if parent else None, row["name"])
        organization = self.children.get(key)
        if organization is None:
            if parent is not None:
                parent.refresh_from_db(fields=["path", "depth", "numchild"])  # treebeard places by them
            organization = services.organization_create(
                parent=parent, actor=self.actor, park=self.park, name=row["name"], **fields
            )
            self.children[key] = organization
            self.names.add(organization)
            return Action.CREATE, organization.name
        changed = {name: value for name, value in fields.items() if _differs(organization, name, value)}
        if not changed:
            return Action.UNCHANGED, organization.name
        organization._history_user, organization._change_reason = self.actor, str(REASON)
        services.organization_update(organization=organization, actor=self.actor, **changed)
        return Action.UPDATE, organization.name


def _differs(row, name: str, value) -> bool:
    field = row._meta.get_field(name)
    if field.is_relation:
        return getattr(row, field.attname) != (value.pk if value is not None else None)
    return getattr(row, name) != value


# --- members ---------------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    Column("姓名", "name", required=True, example="张三"),
    Column("身份证号", "id_number", cells.code, required=True, example="350526199001011239",
           note=gettext_lazy("18 characters with their check digit; a member with this number is updated. "
                             "Format the column as text, or Excel rounds the number.")),
    Column("所属党组织", "organization", required=True, example="示例陶瓷有限公司党支部",
           note=gettext_lazy("The name of a party organization of the park.")),
    Column("所在企业", "enterprise", example="91350526MA2XY1234G",
           note=gettext_lazy("The enterprise's credit code, or its name.")),
    Column("入党日期", "joined_on", cells.day, required=True, note=DATE_NOTE, example="2015-07-01"),
    Column("转正日期", "full_member_on", cells.day, note=DATE_NOTE, example="2016-07-01"),
    Column("状态", "status", cells.choice(PartyMember.Status), example=lambda: cells.zh(PartyMember.Status.FULL.label),
           allowed=lambda: cells.labels(PartyMember.Status), note=gettext_lazy("Empty is probationary member.")),
    Column("职务", "post", cells.choice(PartyMember.Post), example=lambda: cells.zh(PartyMember.Post.WORKER.label),
           allowed=lambda: cells.labels(PartyMember.Post), note=gettext_lazy("The member's post in the enterprise.")),
    Column("群团职务", "mass_post", cells.choice(PartyMember.MassPost), example="",
           allowed=lambda: cells.labels(PartyMember.MassPost)),
    Column("流动党员", "is_mobile", cells.boolean, example="否", allowed=lambda: ["是", "否"],
           note=gettext_lazy("是 or 否; empty is 否.")),
    Column("手机号", "phone", example="13800001234"),
)  # fmt: skip

MEMBER_PLAIN = {
    "name": "",
    "joined_on": None,
    "full_member_on": None,
    "status": PartyMember.Status.PROBATIONARY,
    "post": "",
    "mass_post": "",
    "is_mobile": False,
    "phone": "",
}


class MemberImporter:
    def __init__(self, *, park, actor):
        self.park, self.actor = park, actor
        members = PartyMember.objects.filter(organization__park=park).exclude(id_number="")
        self.by_id_number = {member.id_number: member for member in members}
        self.organizations = Names(Organization.objects.filter(park=park), active=_active)
        enterprises = list(related_rows(PartyMember, "enterprise").filter(park=park).order_by("pk"))
        self.enterprises = Names(enterprises, active=lambda enterprise: enterprise.left_on is None)
        self.enterprise_codes = {enterprise.credit_code: enterprise for enterprise in enterprises}
        self.rows_of_number: dict[str, int] = {}

    def apply(self, row: Row) -> tuple[Action, str]:
        number = row["id_number"]
        if number in self.rows_of_number:
            message = _("This ID-card number is on row %(row)s of the file already.") % {
                "row": self.rows_of_number[number]
            }
            raise ValidationError({"id_number": message})
        self.rows_of_number[number] = row.number
        values = {
            name: default if row[name] is None else row[name] for name, default in MEMBER_PLAIN.items() if name in row
        }
        values["organization"] = self.organizations.find(row["organization"], "organization")
        if "enterprise" in row:
            values["enterprise"] = self._enterprise(row["enterprise"]) if row["enterprise"] else None
        member = self.by_id_number.get(number)
        if member is None:
            member, action = PartyMember(id_number=number, **values), Action.CREATE
        else:
            changed = {name: value for name, value in values.items() if _differs(member, name, value)}
            if not changed:
                return Action.UNCHANGED, member.name
            for name, value in changed.items():
                setattr(member, name, value)
            action = Action.UPDATE
        member._history_user, member._change_reason = self.actor, str(REASON)
        services.member_save(member=member, actor=self.actor)
        self.by_id_number[number] = member
        return action, member.name

    def _enterprise(self, text: str):
        code = cells.code(text)
        if code in self.enterprise_codes:
            return self.enterprise_codes[code]
        return self.enterprises.find(text, "enterprise")


KINDS = [
    ImportKind(
        key="organizations",
        label=gettext_lazy("party organizations"),
        columns=ORGANIZATION_COLUMNS,
        importer=OrganizationImporter,
        order=10,
    ),
    ImportKind(
        key="members",
        label=gettext_lazy("party members"),
        columns=MEMBER_COLUMNS,
        importer=MemberImporter,
        order=30,
    ),
]
