"""The dependency direction of docs/architecture.md, read from the source: function-local imports count.

parkparty is the ground floor and imports no feature app; the feature apps import each other in one
direction only; dashboard and devtools sit on top, and only tests import devtools.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# Bottom to top: an app may import the apps before it, never one after it.
LAYERS = [
    "parkparty",
    "organizations",
    "enterprises",
    "accounts",
    "meetings",
    "activities",
    "reports",
    "dashboard",
    "devtools",
]


def imported_apps(app: str) -> dict[str, list[str]]:
    """The other apps `app` imports, each with the places (file:line) that import it."""
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in LAYERS and top != app:
                    found.setdefault(top, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def graph() -> dict[str, dict[str, list[str]]]:
    return {app: imported_apps(app) for app in LAYERS}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle through the apps, found by a depth-first walk from each app."""
    found = []

    def walk(start: str, node: str, trail: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                found.append([*trail, start])
            elif nxt not in trail and nxt > start:  # each cycle once, from its smallest app
                walk(start, nxt, [*trail, nxt])

    for app in sorted(edges):
        walk(app, app, [app])
    return found


def test_the_layer_list_names_every_app_of_the_project():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_no_two_apps_import_each_other_even_through_other_apps():
    edges = {app: set(imported) for app, imported in graph().items()}
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle_through_three_apps():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_base_imports_no_feature_app():
    assert imported_apps("parkparty") == {}


def test_every_import_points_down_the_layers():
    upward = {
        f"{app} -> {other}": places
        for app, imported in graph().items()
        for other, places in imported.items()
        if LAYERS.index(other) > LAYERS.index(app)
    }
    assert upward == {}


def test_production_settings_install_no_demo_or_bench_code():
    from parkparty.settings import base

    assert "devtools" not in base.INSTALLED_APPS
    assert "devtools" in settings.INSTALLED_APPS  # the suite loads the demo


def test_every_feature_app_registers_the_policies_of_its_models():
    from parkparty import access

    registered = {model._meta.label for model in access.policies()}
    assert {"organizations.Park", "enterprises.Enterprise", "meetings.Meeting", "activities.Activity"} <= registered
    assert {"reports.Report", "organizations.Application"} <= registered


def test_a_feature_apps_registrations_are_idempotent():
    from django.apps import apps

    from organizations.services import DISSOLUTION_STEPS
    from parkparty import access
    from parkparty.apps import FeatureConfig

    before = (list(DISSOLUTION_STEPS), access.policies())
    for config in apps.get_app_configs():
        if isinstance(config, FeatureConfig):  # only ours: third-party ready()s need not be idempotent
            config.ready()
    assert (list(DISSOLUTION_STEPS), access.policies()) == before
