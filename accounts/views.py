"""Pages where park admins run the logins of their parks and their roles.

Only park admins open them (403 for everyone else, viewers included); a login outside the admin's
parks does not exist (404). Every change goes through accounts.services.
"""

from __future__ import annotations

import base64
import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services, sheets
from accounts.forms import (
    AccountCreateForm,
    AccountEditForm,
    GrantForm,
    ImportConfirmForm,
    ImportForm,
    PasswordChangeForm,
    UserFilterForm,
)
from accounts.middleware import SESSION_KEY, forget_password_change
from accounts.models import Account
from organizations.models import Park
from parkparty import access, mail
from parkparty.history import Source, revisions
from parkparty.models import Grant
from parkparty.pages import save_form

User = get_user_model()
PAGE_SIZE = 50
# The parsed sheet waits in the session between the preview and the confirmation.
IMPORT_SESSION_KEY = "accounts_import"


def _require_park_admin(request) -> None:
    if not access.scope_of(request.user).is_admin:
        raise PermissionDenied(_("Logins and roles are run by park admins."))


def _admin_parks(user):
    return access.administered(user, Park.objects.all())


def _visible_user(request, pk: int):
    _require_park_admin(request)
    return get_object_or_404(access.visible(request.user, User), pk=pk)


def _crumbs(*extra):
    return [(reverse("user-list"), _("Logins and roles")), *extra]


def _no_store(response):
    """Pages that show a temporary password: kept by no cache, the browser's included."""
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
    return response


@login_required
def user_list(request):
    """Logins of the admin's parks: a count, a page of rows, their grants (three queries past the scope)."""
    _require_park_admin(request)
    form = UserFilterForm(request.GET or None)
    form.is_valid()
    users = access.visible(request.user, User)
    users = selectors.filter_by_role(users, form.value("role"))
    if form.value("active"):
        users = users.filter(is_active=form.value("active") == "yes")
    if form.value("q"):
        term = form.value("q")
        users = users.filter(Q(username__icontains=term) | Q(first_name__icontains=term))
    rows = selectors.with_roles(users.order_by("username", "pk"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(services.AccountRole.choices)
    for user in page.object_list:
        user.roles = selectors.roles_of(user)
        user.role_names = [labels[role] for role in user.roles]
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@login_required
def user_new(request):
    _require_park_admin(request)
    form = AccountCreateForm(request.POST or None, parks=_admin_parks(request.user))

    def save(data):
        return services.account_create(**data, actor=request.user)

    created = save_form(request, form, save)
    if created is not None:
        user, password = created
        return _password_page(request, user, password, created=True)
    context = {
        "title": _("New login"),
        "form": form,
        "submit": _("Create the login"),
        "cancel_url": reverse("user-list"),
        "crumbs": _crumbs(),
        "intro": _(
            "The login gets a temporary password, shown once on the next page; it must be changed at the first login."
        ),
    }
    return render(request, "manage/form.html", context)


def _password_page(request, user, password: str, *, created: bool):
    context = {"shown_user": user, "password": password, "created": created, "crumbs": _crumbs()}
    return _no_store(render(request, "accounts/password_shown.html", context))


@login_required
def user_detail(request, pk: int):
    shown = _visible_user(request, pk)
    grants = list(Grant.objects.filter(user=shown).select_related("park", "organization").order_by("role", "pk"))
    account = Account.objects.filter(user=shown).select_related("park", "created_by").first()
    sources = [
        Source(User.history.filter(id=shown.pk), fields=("username", "first_name", "email")),
        Source(
            Grant.history.filter(user_id=shown.pk),
            title=lambda record: record.get_role_display(),
            fields=("park", "organization"),
        ),
    ]
    if account is not None:
        sources.append(Source(account.history.all()))
    context = {
        "shown_user": shown,
        "account": account,
        "grants": grants,
        "instructor": getattr(shown, "instructor", None),
        "history": revisions(*sources),
        "is_self": shown.pk == request.user.pk,
        "api_token": selectors.token_facts(shown),
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_edit(request, pk: int):
    shown = _visible_user(request, pk)
    form = AccountEditForm(request.POST or None, initial={"full_name": shown.first_name, "email": shown.email})
    if save_form(request, form, lambda data: services.account_update(user=shown, **data, actor=request.user)):
        messages.success(request, _("The login is saved."))
        return redirect("user-detail", shown.pk)
    context = {
        "title": _("Edit %(user)s") % {"user": shown.get_username()},
        "form": form,
        "cancel_url": reverse("user-detail", args=[shown.pk]),
        "crumbs": _crumbs((reverse("user-detail", args=[shown.pk]), shown.get_username())),
    }
    return render(request, "manage/form.html", context)


@login_required
def grant_new(request, pk: int):
    shown = _visible_user(request, pk)
    park_id = services.require_manager(request.user, shown)
    form = GrantForm(request.POST or None, park_id=park_id)
    if save_form(request, form, lambda data: services.grant_give(user=shown, **data, actor=request.user)):
        messages.success(request, _("The role is given."))
        return redirect("user-detail", shown.pk)
    context = {
        "title": _("Give %(user)s a role") % {"user": shown.get_full_name() or shown.get_username()},
        "form": form,
        "submit": _("Give the role"),
        "cancel_url": reverse("user-detail", args=[shown.pk]),
        "crumbs": _crumbs((reverse("user-detail", args=[shown.pk]), shown.get_username())),
        "intro": _("Roles are given in the login's home park."),
    }
    return render(request, "manage/form.html", context)


@login_required
@require_POST
def grant_take(request, pk: int):
    _require_park_admin(request)
    grant = get_object_or_404(access.visible(request.user, Grant).select_related("user"), pk=pk)
    try:
        services.grant_take(grant=grant, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role is taken back."))
    return redirect("user-detail", grant.user_id)


def _set_active(request, pk: int, service, done: str):
    shown = _visible_user(request, pk)
    try:
        service(user=shown, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("user-detail", shown.pk)


@login_required
@require_POST
def user_deactivate(request, pk: int):
    return _set_active(request, pk, services.account_deactivate, _("The login is deactivated."))


@login_required
@require_POST
def user_reactivate(request, pk: int):
    return _set_active(request, pk, services.account_reactivate, _("The login is active again."))


@login_required
@require_POST
def user_password(request, pk: int):
    shown = _visible_user(request, pk)
    password = services.password_reset(user=shown, actor=request.user)
    return _password_page(request, shown, password, created=False)


@login_required
@require_POST
def user_token_revoke(request, pk: int):
    shown = _visible_user(request, pk)
    if services.revoke_tokens(shown, actor=request.user, reason="revoked"):
        messages.success(request, _("The login's API token is revoked."))
    else:
        messages.info(request, _("The login has no API token."))
    return redirect("user-detail", shown.pk)


# --- a sheet of logins --------------------------------------------------------------------------------


@login_required
def user_import(request):
    """Upload → a preview with every row's faults → confirm: all the logins or none, and their
    temporary passwords shown once (with a workbook of them made in the same answer)."""
    _require_park_admin(request)
    parks = _admin_parks(request.user)
    if request.method == "POST" and "token" in request.POST:
        return _import_confirm(request, parks)
    form = ImportForm(request.POST or None, request.FILES or None, parks=parks)
    context = {"form": form, "crumbs": _crumbs(), "columns": services.COLUMNS}
    if request.method == "POST" and form.is_valid():
        try:
            rows = sheets.read_rows(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.message_dict["file"])
        else:
            park = form.cleaned_data["park"]
            context |= _preview(request, park, rows, parks)
    return render(request, "accounts/user_import.html", context)


def _preview(request, park, rows: list[dict], parks) -> dict:
    errors = services.accounts_bulk_errors(park=park, rows=rows)
    if not rows:
        errors = [services.RowError(0, "", _("The sheet has no rows."))]
    context = {"park": park, "rows": rows, "errors": errors}
    if not errors:
        token = secrets.token_hex(16)
        request.session[IMPORT_SESSION_KEY] = {"token": token, "park": park.pk, "rows": rows}
        context["confirm"] = ImportConfirmForm(initial={"park": park.pk, "token": token}, parks=parks)
    return context


def _import_confirm(request, parks):
    form = ImportConfirmForm(request.POST, parks=parks)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if not form.is_valid() or pending.get("token") != form.cleaned_data["token"]:
        messages.error(request, _("This preview is no longer current: upload the sheet again."))
        return redirect("user-import")
    park = form.cleaned_data["park"]
    if pending.get("park") != park.pk:
        raise PermissionDenied
    try:
        created = services.accounts_create_bulk(park=park, rows=pending["rows"], actor=request.user)
    except services.RowErrors as error:
        context = {"form": ImportForm(parks=parks), "crumbs": _crumbs(), "columns": services.COLUMNS}
        context |= {"park": park, "rows": pending["rows"], "errors": error.errors}
        return render(request, "accounts/user_import.html", context)
    del request.session[IMPORT_SESSION_KEY]
    workbook = base64.b64encode(sheets.passwords_workbook(created)).decode("ascii")
    context = {"created": created, "park": park, "workbook": workbook, "crumbs": _crumbs()}
    return _no_store(render(request, "accounts/user_import_done.html", context))


# --- one's own password -------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, in the portal's look; choosing one's own password ends the forced change."""

    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"request": self.request}

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, must_change=self.request.session.get(SESSION_KEY, False))

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        forget_password_change(self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- a forgotten password -----------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail when the portal sends e-mail (parkparty.mail). When it does not, the page
    says so and offers no form, and a POST sends nothing and answers the same page: a park admin resets
    the password (`/users/<id>/`), and no page pretends a mail is on its way."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, email_on=mail.email_configured())

    def post(self, request, *args, **kwargs):
        if not mail.email_configured():
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; the new password is the person's own, as after a change: the forced change ends, the API
    token is revoked and a lockout of the account is lifted."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_by_mail(user=form.user)
        return response
