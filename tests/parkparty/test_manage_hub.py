"""The management hub: a park admin's way to every management page, from the main menu."""

import re

import pytest
from django.urls import reverse

from parkparty.apps import FeatureConfig

pytestmark = pytest.mark.django_db

HUB = "/manage/"


def hub_links(html: str) -> list[str]:
    section = html.split('class="manage-hub"', 1)[1]
    return re.findall(r'<a href="([^"]+)"', section)


def test_the_hub_lists_every_apps_management_pages_and_each_opens_for_the_admin(world, as_role):
    from django.apps import apps

    wanted = [
        reverse(name)
        for config in apps.get_app_configs()
        if isinstance(config, FeatureConfig)
        for name, _label in config.manage_pages
    ]
    client = as_role("admin")
    response = client.get(HUB)
    assert response.status_code == 200
    links = hub_links(response.content.decode())
    assert links == wanted
    assert {"/enterprises/new/", "/users/", "/ratings/sheets/", "/activities/venues/list/"} <= set(links)
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_main_menu_leads_admins_to_the_hub_and_no_one_else(world, as_role):
    assert f'href="{HUB}"' in as_role("admin").get("/").content.decode()
    for role in ("viewer", "secretary_a", "instructor"):
        assert f'href="{HUB}"' not in as_role(role).get("/").content.decode(), role
        assert as_role(role).get(HUB).status_code == 403, role


def test_the_hub_reads_nothing_but_the_users_scope(world, as_role, django_assert_max_num_queries):
    client = as_role("admin")
    client.get(HUB)  # the session and the scope's first reads
    with django_assert_max_num_queries(8):
        assert client.get(HUB).status_code == 200
