"""The Content-Security-Policy header, and templates that need no exception to it."""

import re
from pathlib import Path

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# An inline script (a <script> without src; json_script's data blocks are not run), a style attribute,
# a <style> block or an on…= handler: each would be refused by the policy.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\bstyle=|<style\b|\son[a-z]+=", re.I)


def test_a_page_answers_with_the_policy(world):
    policy = client_for(world, "admin").get("/")["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "data:" not in policy


def test_the_login_page_and_the_api_answer_with_it_too(world):
    assert "script-src 'self'" in client_for(world, "anonymous").get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in client_for(world, "admin").get("/api/v1/parks/")["Content-Security-Policy"]


def test_only_the_api_docs_allow_data_images_and_serve_their_script_from_a_file(world):
    answer = client_for(world, "anonymous").get("/api/docs/")
    assert "img-src 'self' data:" in answer["Content-Security-Policy"]
    assert "unsafe-inline" not in answer["Content-Security-Policy"]
    assert not INLINE.search(answer.content.decode())


def test_no_template_holds_inline_script_or_style():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert offenders == []
