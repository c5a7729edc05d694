"""Forms of the structure's management pages: organizations, districts and grids, members.

Every choice comes from a queryset the view has already scoped (`access`) and narrowed to the park in
question, so an id from elsewhere is "not a valid choice", exactly like one that does not exist. The
rules (a parent active on the founding date, a name unique in the park, an ID-card number nobody else
holds…) live in `organizations.services`; a refusal comes back onto its field through `save_form`.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import District, Grid, Organization, Park, PartyMember
from parkparty.forms import DateInput, ParkForm, ServiceErrorsMixin
from parkparty.widgets import SearchSelect

ORGANIZATION_FIELDS = ("name", "kind", "formation", "district", "established_on")


class ServiceModelForm(ServiceErrorsMixin, forms.ModelForm):
    """A model form whose row the service checks: the form parses its fields onto the instance and
    leaves the model's checks to the service, which knows the actor and words its refusals (the
    model's unique constraint on the ID-card number would answer in words that tell it exists)."""

    def _post_clean(self):
        opts = self._meta
        try:
            self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class OrganizationForm(ServiceModelForm):
    """An organization's own fields. `parents` (creating under a node) adds the parent choice, `parks`
    (creating a top-level organization) the park choice, `members` (editing) the secretary choice."""

    parent = forms.ModelChoiceField(
        label=_("Parent organization"), queryset=Organization.objects.none(), widget=SearchSelect
    )
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none())

    class Meta:
        model = Organization
        fields = [*ORGANIZATION_FIELDS, "secretary"]
        widgets = {"established_on": DateInput, "district": SearchSelect, "secretary": SearchSelect}

    def __init__(
        self,
        *args,
        districts: QuerySet[District],
        parents: QuerySet[Organization] | None = None,
        parks: QuerySet[Park] | None = None,
        members: QuerySet[PartyMember] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        for name, choices in (("parent", parents), ("park", parks), ("secretary", members)):
            if choices is None:
                del self.fields[name]
            else:
                self.fields[name].queryset = choices
        self.order_fields(["park", "parent", *ORGANIZATION_FIELDS, "secretary"])


class DissolveForm(ServiceErrorsMixin, forms.Form):
    dissolved_on = forms.DateField(
        label=_("Dissolved on"),
        widget=DateInput,
        initial=timezone.localdate,
        help_text=_("Today or earlier. The coverages it holds end the same day."),
    )


class DistrictForm(ServiceModelForm):
    class Meta:
        model = District
        fields = ["name"]


class GridForm(ServiceModelForm):
    """A grid: its district and leading organization are chosen among the park's."""

    class Meta:
        model = Grid
        fields = ["name", "district", "cadre", "leading_organization"]
        widgets = {"district": SearchSelect, "leading_organization": SearchSelect}

    def __init__(self, *args, districts: QuerySet[District], organizations: QuerySet[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["leading_organization"].queryset = organizations


class MemberForm(ServiceModelForm):
    """A member on a roster. The ID-card number and phone are fields only for those who see them
    unmasked (`personal`): anyone else neither reads nor overwrites them."""

    class Meta:
        model = PartyMember
        fields = [
            "organization", "enterprise", "name", "status", "joined_on", "full_member_on",
            "post", "mass_post", "is_mobile", "id_number", "phone",
        ]  # fmt: skip
        widgets = {
            "organization": SearchSelect,
            "enterprise": SearchSelect,
            "joined_on": DateInput,
            "full_member_on": DateInput,
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "maxlength": 18}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }

    def __init__(
        self,
        *args,
        organizations: QuerySet[Organization],
        enterprises: QuerySet,
        personal: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["enterprise"].queryset = enterprises
        if not personal:
            del self.fields["id_number"], self.fields["phone"]

    def clean_id_number(self) -> str:
        # A lower-case x is the same check character; the stored form is upper case.
        return self.cleaned_data["id_number"].strip().upper()


class MemberListForm(ParkForm):
    """The roster of one park (`?park=`, the user's first by default) as of a day, by status: the rows the
    member figures count (organizations.selectors.members_as_of). Without a day, today's roster and
    every recorded status, those transferred out included."""

    as_of = forms.DateField(required=False, label=_("As of"), widget=DateInput)
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *PartyMember.Status.choices]
    )

    def day(self):
        return self.value("as_of", None)
