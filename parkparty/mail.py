"""Whether the portal sends e-mail: the one place that decides.

Mail is on when the environment names an SMTP server (`EMAIL_HOST`, read in parkparty/settings/base.py).
When it is off, nothing pretends otherwise: the password-reset page says the portal sends no e-mail and
that a park admin resets passwords (accounts.views.PasswordResetView), and no form is offered.
"""

from __future__ import annotations

from django.conf import settings


def email_configured() -> bool:
    """An SMTP server is configured, so mails (password resets) go out."""
    return bool(getattr(settings, "EMAIL_HOST", ""))
