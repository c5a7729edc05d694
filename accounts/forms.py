"""Forms of the accounts pages: their choices are the actor's parks and those parks' rows only."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.services import AccountRole
from enterprises.models import Instructor
from organizations.models import Organization, Park
from parkparty.dates import work_plan
from parkparty.forms import DateInput, ServiceErrorsMixin, cleaned_value
from parkparty.models import Role, SecurityEvent
from parkparty.widgets import SearchSelect


def _choose_the_only_park(field, parks) -> None:
    ids = list(parks.values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        field.initial = ids[0]


class UserFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("any role")), *AccountRole.choices])
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("active and deactivated")),
            ("yes", pgettext_lazy("login", "active")),
            ("no", _("deactivated")),
        ],
    )
    q = forms.CharField(label=_("User name or name"), required=False, max_length=100)

    def value(self, name: str) -> str:
        return cleaned_value(self, name, "")


class AccountCreateForm(ServiceErrorsMixin, forms.Form):
    park = forms.ModelChoiceField(label=_("Home park"), queryset=Park.objects.none(), widget=SearchSelect)
    username = forms.CharField(label=_("User name"), max_length=150, help_text=_("Letters, digits and @ . + - _"))
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=AccountRole.choices)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        widget=SearchSelect,
        help_text=_("For a branch secretary: the organization they are secretary of."),
    )
    instructor = forms.ModelChoiceField(
        label=_("Instructor"),
        queryset=Instructor.objects.none(),
        required=False,
        widget=SearchSelect,
        help_text=_("For an instructor: their record on the ledger (left empty, one is found by name or made)."),
    )

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        self.fields["organization"].queryset = Organization.objects.filter(park__in=parks).select_related("park")
        self.fields["instructor"].queryset = Instructor.objects.filter(park__in=parks, user=None)
        self.fields["organization"].label_from_instance = lambda row: f"{row.name} · {row.park.name}"
        _choose_the_only_park(self.fields["park"], parks)


class AccountEditForm(ServiceErrorsMixin, forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)


class GrantForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        required=False,
        widget=SearchSelect,
        help_text=_("For a branch secretary: the organization they are secretary of."),
    )

    def __init__(self, *args, park_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(park_id=park_id, dissolved_on=None)


class ImportForm(forms.Form):
    park = forms.ModelChoiceField(label=_("Home park"), queryset=Park.objects.none(), widget=SearchSelect)
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("Columns: 用户名, 姓名, 角色, 党组织 (for secretaries), 邮箱. The first row holds the headings."),
    )

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks
        _choose_the_only_park(self.fields["park"], parks)


class ImportConfirmForm(forms.Form):
    park = forms.ModelChoiceField(queryset=Park.objects.none(), widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = parks


class SecurityLogFilterForm(forms.Form):
    """The security log's filters: one kind of event, and the days from and to (both included)."""

    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("any event")), *SecurityEvent.Kind.choices]
    )
    # In the portal's years: a year 1 or 9999 has no moment in UTC to compare with (a 500 before this).
    since = forms.DateField(label=_("From"), required=False, widget=DateInput, validators=[work_plan])
    until = forms.DateField(label=_("To"), required=False, widget=DateInput, validators=[work_plan])

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The last day comes on or after the first."))
        return data

    def value(self, name: str):
        return cleaned_value(self, name)


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's, with the old password checked by `authenticate`: django-axes counts a wrong one like a
    failed login and refuses a locked-out account here too (the middleware answers with the lockout)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        found = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if getattr(self.request, "axes_locked_out", False):
            raise forms.ValidationError(
                _("Too many failed password attempts: try again later, or ask your park admin to reset your password."),
                code="locked_out",
            )
        if found is None or found.pk != self.user.pk:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password
