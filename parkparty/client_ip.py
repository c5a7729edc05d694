"""The client's address for login lockouts (django-axes), behind a known number of reverse proxies."""

from django.conf import settings


def client_ip(request) -> str:
    """With TRUSTED_PROXIES = n, the n-th address from the right of X-Forwarded-For is the client's:
    each proxy appends the address it received from, and only our own proxies can be trusted."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
