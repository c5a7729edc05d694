from django.utils.translation import gettext_lazy as _

from parkparty import apps


class AccountsConfig(apps.FeatureConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")
    manage_pages = (
        ("user-list", _("Accounts and roles")),
        ("user-import", _("Import logins from a sheet")),
        ("security-log", _("Security log")),
    )

    def ready(self) -> None:
        super().ready()
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import remember_password_change_at_login
        from accounts.selectors import parks_of_login
        from parkparty import security

        user_logged_in.connect(remember_password_change_at_login, dispatch_uid="accounts-must-change-password")
        security.register_user_parks(parks_of_login)
