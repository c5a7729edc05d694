"""A login's place in the portal: its home park, whether it must choose a new password, who made it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords


class Account(models.Model):
    """One per login made in the portal (and per login that held a role when accounts came in).

    The home park decides which park admins manage the login (accounts.policies). It is empty only for
    superusers and operators of several parks, whom superusers manage in the Django admin.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="account", verbose_name=_("user")
    )
    # PROTECT: a park with logins is not deleted from under them.
    park = models.ForeignKey(
        "organizations.Park",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("home park"),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return str(self.user)


class UserHistory(HistoricalRecords):
    """The user's history without a record per login: Django saves `last_login` alone on every login."""

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return
        super().post_save(instance, created, using=using, **kwargs)


# Who changed a login's name, e-mail or active flag, kept in this app (the user model is Django's).
# The password hash and the last login are left out: a history of hashes is a list of old secrets.
register(
    get_user_model(),
    app="accounts",
    records_class=UserHistory,
    excluded_fields=["password", "last_login"],
)
