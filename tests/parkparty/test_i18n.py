"""The Chinese catalog: complete, compiled, found by the code, and what the pages and the API say with it.

The catalog lives in locale/zh_Hans/LC_MESSAGES/. After adding or changing a translatable string run
`make messages` (makemessages -l zh_Hans --no-location, then compilemessages; needs gettext), translate
every new or fuzzy entry in django.po (and remove the fuzzy flag), run `make messages` again to compile,
and commit both django.po and django.mo: a machine without gettext still needs the compiled catalog.
These tests read the files with the standard library only, so they need no gettext either.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from organizations.models import Organization, PartyMember
from tests import factories as f

CATALOG_DIR = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO = CATALOG_DIR / "django.po"
MO = CATALOG_DIR / "django.mo"
API = "/api/v1"

# --- a small .po reader ----------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def read_po(path: Path = PO) -> tuple[Entry, list[Entry]]:
    """The header entry and the other (non-obsolete) entries of a .po file."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, target = None, None
            continue
        if line.startswith("#~"):  # obsolete: gettext ignores it, and its flags ("#, …" above it) with it
            if current is not None:
                current.obsolete = True
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else 0)
                current.msgstr[target[1]] = text
            else:
                target = (keyword, None)
                setattr(current, keyword, text)
        elif line.startswith('"') and target is not None:
            text = ast.literal_eval(line)
            if target[0] == "msgstr":
                current.msgstr[target[1]] += text
            else:
                setattr(current, target[0], getattr(current, target[0]) + text)
        else:
            raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    entries = [entry for entry in entries if not entry.obsolete]
    header = next(entry for entry in entries if entry.msgid == "" and entry.msgctxt is None)
    return header, [entry for entry in entries if entry is not header]


def headers(header: Entry) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip().lower(): value.strip() for name, value in pairs}


_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdif]|%[sdif]|\{[A-Za-z_]\w*\}|\{\}")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text.replace("%%", "")))


# --- what the source asks to translate (the same keywords makemessages gives xgettext) --------------

ROOT = Path(settings.BASE_DIR)
# What `make messages` skips (--ignore=.venv --ignore=var --ignore=static/vendor, and hidden directories),
# plus directories that hold no source of ours.
SKIPPED_DIRS = {"var", "static", "staticfiles", "node_modules", "locale", "__pycache__"}
# function → (index of msgctxt or None, index of msgid, index of msgid_plural or None)
GETTEXT_FUNCTIONS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name not in GETTEXT_FUNCTIONS:
            continue
        context_at, msgid_at, plural_at = GETTEXT_FUNCTIONS[name]
        msgid = _string_argument(node, msgid_at)
        if msgid is None or (context_at is not None and _string_argument(node, context_at) is None):
            continue  # a variable, not a string to translate
        yield _string_argument(node, context_at), msgid, _string_argument(node, plural_at)


def _string_argument(call: ast.Call, index: int | None) -> str | None:
    if index is None or index >= len(call.args):
        return None
    arg = call.args[index]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _template_calls(source: str, origin: str):
    """templatize() rewrites a template into gettext(...) calls among filler; parse each call."""
    text = templatize(source, origin=origin)
    for match in re.finditer(r"\b(?:n?p?gettext)\(", text):
        end = match.end()
        while (end := text.find(")", end)) != -1:
            end += 1
            try:
                tree = ast.parse(text[match.start() : end], mode="eval")
            except SyntaxError:
                continue
            yield from _calls(tree)
            break


def source_messages(root: Path = ROOT) -> dict[tuple[str | None, str], tuple[str | None, str]]:
    """Every translatable string in the project's code and templates → (plural, file)."""
    found = {}
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix == ".py":
                calls = _calls(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            elif path.suffix in {".html", ".txt"}:
                calls = _template_calls(path.read_text(encoding="utf-8"), str(path))
            else:
                continue
            for context, msgid, plural in calls:
                found.setdefault((context, msgid), (plural, str(path.relative_to(root))))
    return found


def test_the_extractor_finds_what_makemessages_finds(tmp_path):
    """The source check below is only as good as this extractor: it reads code and templates alike."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(
        "from django.utils.translation import gettext_lazy as _, ngettext, pgettext\n"
        "label = _('ledger')\n"
        "count = ngettext('%(n)s firm', '%(n)s firms', 2)\n"
        "word = pgettext('person', 'Name')\n"
        "skipped = _(label)\n",
        encoding="utf-8",
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{% load i18n %}<h1>{% translate 'Overview' %}</h1>"
        "{% blocktranslate count counter=n %}{{ counter }} member{% plural %}{{ counter }} members"
        "{% endblocktranslate %}",
        encoding="utf-8",
    )
    for skipped in (".venv", "var", "static"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.py").write_text("_('not ours')\n", encoding="utf-8")
    found = source_messages(tmp_path)
    assert set(found) == {
        (None, "ledger"),
        (None, "%(n)s firm"),
        ("person", "Name"),
        (None, "Overview"),
        (None, "%(counter)s member"),
    }
    assert found[(None, "%(counter)s member")][0] == "%(counter)s members"


# --- the catalog is complete and well-formed ------------------------------------------------------


def test_the_catalog_header_is_usable():
    header, _ = read_po()
    # A fuzzy header makes msgfmt drop the charset and plural rule: Django would then misread the file.
    assert "fuzzy" not in header.flags
    values = headers(header)
    assert values["content-type"] == "text/plain; charset=UTF-8"
    assert values["language"] == "zh_Hans"
    assert values["plural-forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_every_message_has_a_checked_translation():
    _, entries = read_po()
    assert entries, "the catalog is empty"
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    untranslated = [entry.msgid for entry in entries if not entry.msgstr or not all(entry.msgstr.values())]
    assert not untranslated, f"untranslated entries: {untranslated}"
    duplicated = {entry.key for entry in entries if sum(other.key == entry.key for other in entries) > 1}
    assert not duplicated


def test_plural_messages_have_the_single_chinese_form():
    _, entries = read_po()
    plural = [entry for entry in entries if entry.msgid_plural is not None]
    assert plural
    for entry in plural:
        assert set(entry.msgstr) == {0}, entry.msgid


def test_translations_keep_every_placeholder():
    _, entries = read_po()
    for entry in entries:
        if entry.msgid_plural is None:
            assert placeholders(entry.msgstr[0]) == placeholders(entry.msgid), (entry.msgid, entry.msgstr[0])
        else:  # the one Chinese form serves every count, so it names what either English form names
            wanted = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
            assert set(placeholders(entry.msgstr[0])) == wanted, (entry.msgid, entry.msgstr[0])


def test_translations_are_chinese():
    """Every translation has a Chinese character: an English string copied across is not a translation."""
    _, entries = read_po()
    han = re.compile(r"[\u4e00-\u9fff]")
    placeholders = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    # A message of placeholders and punctuation only ("%(label)s: ") has no words to translate.
    worded = [entry for entry in entries if re.search(r"[A-Za-z]", placeholders.sub("", entry.msgid))]
    latin = [entry.msgid for entry in worded if not all(han.search(text) for text in entry.msgstr.values())]
    assert not latin, f"not translated into Chinese: {latin}"


def test_every_string_in_the_source_is_in_the_catalog():
    """A string added to the code or a template without running makemessages fails here."""
    _, entries = read_po()
    in_catalog = {entry.key for entry in entries}
    in_source = source_messages()
    assert len(in_source) > 100  # the extractor found the strings (a broken one would pass vacuously)
    missing = sorted(f"{where}: {msgid!r}" for (context, msgid), (_, where) in in_source.items()
                     if (context, msgid) not in in_catalog)  # fmt: skip
    assert not missing, "run makemessages and translate:\n" + "\n".join(missing)
    stale = sorted(msgid for context, msgid in in_catalog - set(in_source))
    assert not stale, f"no longer in the source (run makemessages to drop them): {stale}"


# --- the compiled catalog matches the text ---------------------------------------------------------


def test_the_compiled_catalog_matches_the_po_file():
    """django.mo is what Django reads; it must say exactly what django.po says (run compilemessages)."""
    _, entries = read_po()
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    assert compiled.info().get("plural-forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    stale = []
    for entry in entries:
        if entry.msgid_plural is not None:
            for count in (1, 2):
                if entry.msgctxt is None:
                    got = compiled.ngettext(entry.msgid, entry.msgid_plural, count)
                else:
                    got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, count)
                if got != entry.msgstr[0]:
                    stale.append((entry.msgid, got, entry.msgstr[0]))
        else:
            got = (
                compiled.gettext(entry.msgid)
                if entry.msgctxt is None
                else compiled.pgettext(entry.msgctxt, entry.msgid)
            )
            if got != entry.msgstr[0]:
                stale.append((entry.msgid, got, entry.msgstr[0]))
    assert not stale, f"django.mo is older than django.po: run compilemessages. (msgid, in .mo, in .po): {stale}"
    # Nothing in the .mo that the .po no longer has: the header plus one form per message.
    assert len(compiled._catalog) == 1 + len(entries)


# --- Django finds and uses the catalog -------------------------------------------------------------


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Enterprise ledger", "企业台账"),
        ("party organization", "党组织"),
        ("branch", "党支部"),
        ("general branch", "党总支"),
        ("committee", "党委"),
        ("working committee", "党工委"),
        ("party group", "党小组"),
        ("district station", "片区党建工作站"),
        ("alliance", "党建联盟"),
        ("standalone", "单独组建"),
        ("joint", "联合组建"),
        ("instructor", "党建指导员"),
        ("probationary member", "预备党员"),
        ("full member", "正式党员"),
        ("unified social credit code", "统一社会信用代码"),
        ("ID-card number", "身份证号"),
        ("party building in charter", "党建入章"),
        ("park admin", "园区党委管理员"),
        ("branch secretary", "支部书记"),
        ("Coverage rate", "覆盖率"),
    ],
)
def test_the_domain_terms(english, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
    with translation.override("en"):
        assert translation.gettext(english) == english


def test_model_choices_and_names_read_in_chinese():
    with translation.override("zh-hans"):
        assert str(Organization.Kind.BRANCH.label) == "党支部"
        assert str(Organization.Formation.JOINT.label) == "联合组建"
        assert str(PartyMember.Status.PROBATIONARY.label) == "预备党员"
        assert str(Organization._meta.verbose_name) == "党组织"
        assert [str(label) for label in (Organization.Kind.COMMITTEE.label, Organization.Kind.GROUP.label)] == [
            "党委",
            "党小组",
        ]


# --- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["admin"])
    return client


def test_the_overview_is_in_chinese_by_default(admin_client):
    response = admin_client.get(reverse("overview"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    page = response.content.decode()
    assert "企业台账" in page  # the navigation
    assert "覆盖率" in page
    assert "园区党委管理员" in page  # the role in the header
    assert '<html lang="zh-hans">' in page
    assert "Enterprise ledger" not in page


def test_a_chinese_browser_gets_chinese(admin_client):
    """Browsers send zh-CN (the browser tests do too): it falls back to zh-hans, not to English."""
    response = admin_client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "企业台账" in response.content.decode()


def test_the_overview_is_in_english_when_the_browser_asks(admin_client):
    response = admin_client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
    page = response.content.decode()
    assert "Enterprise ledger" in page
    assert "企业台账" not in page


def test_the_language_switch_changes_and_keeps_the_language(admin_client):
    response = admin_client.post(reverse("set_language"), {"language": "en", "next": reverse("overview")})
    assert response.status_code == 302
    page = admin_client.get(reverse("overview")).content.decode()
    assert "Enterprise ledger" in page and "企业台账" not in page
    admin_client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("overview")})
    page = admin_client.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "企业台账" in page  # the chosen language wins over the browser's


@pytest.mark.parametrize("page", ["ledger", "enterprise", "tree", "organization"])
def test_the_other_pages_are_in_chinese(world, admin_client, page):
    url = {
        "ledger": reverse("enterprise-list"),
        "enterprise": reverse("enterprise-detail", args=[world.enterprise_a.pk]),
        "tree": reverse("organization-tree"),
        "organization": reverse("organization-detail", args=[world.branch_a.pk]),
    }[page]
    content = admin_client.get(url).content.decode()
    expected = {
        "ledger": "统一社会信用代码",
        "enterprise": "组织覆盖记录",
        "tree": "组建方式",
        "organization": "党支部",
    }
    assert expected[page] in content
    assert "退出登录" in content


# --- the API --------------------------------------------------------------------------------------


def _enterprise_with_a_wrong_check_character(world) -> dict:
    code = f.credit_code(31337)
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    return {"park": world.park.pk, "name": "校验码错误有限公司", "credit_code": wrong, "entered_on": "2024-03-01"}


def test_an_api_validation_message_is_in_chinese_by_default(world, as_role):
    response = as_role("admin").post(f"{API}/enterprises/", _enterprise_with_a_wrong_check_character(world))
    assert response.status_code == 400
    assert response.json()["credit_code"] == ["统一社会信用代码的校验码不正确。"]


def test_an_api_validation_message_is_in_english_when_asked(world, as_role):
    response = as_role("admin").post(
        f"{API}/enterprises/", _enterprise_with_a_wrong_check_character(world), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["credit_code"] == ["The credit code's check character is wrong."]
