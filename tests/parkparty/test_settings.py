"""Settings that protect production: the client address for lockouts, and the health check."""

from django.test import RequestFactory, override_settings

from parkparty.client_ip import client_ip


def request_from(remote: str, forwarded: str = ""):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_peer_address_counts_and_forwarded_headers_are_ignored():
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_last_forwarded_address_is_the_client():
    # A client may put anything in the header; only the address our proxy appended is trusted.
    assert client_ip(request_from("10.0.0.2", "6.6.6.6, 198.51.100.7")) == "198.51.100.7"


def test_healthz_answers_without_logging_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok" if _redis() else "eager"}


def _redis() -> bool:
    from django.conf import settings

    return bool(settings.REDIS_URL)


def test_an_unknown_api_url_answers_json_and_a_page_url_html(client, db):
    api = client.get("/api/v1/enterprises/0.5/")
    assert (api.status_code, api["Content-Type"]) == (404, "application/json")
    assert "detail" in api.json()
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
