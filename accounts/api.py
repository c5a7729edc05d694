"""/api/v1/users/ and /api/v1/grants/: the logins of a park admin's parks and their roles.

Session only: API tokens are read-only and are refused here (403), since a token that could make
logins would outlive any password. Only park admins use these (403 for anyone else); a login or grant
outside their parks is 404, exactly as one that does not exist. Nothing here deletes a login; a grant
taken back (DELETE) stays in its history.
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers

from accounts import selectors, services
from organizations.models import Organization, Park
from parkparty import access
from parkparty.api import ScopedRelatedField, ScopedViewSet, via_token
from parkparty.filters import ChoiceInFilter
from parkparty.models import Grant, Role

User = get_user_model()


class ParkAdminSession(permissions.BasePermission):
    """Park admins signed in with a session; a token, whoever's, is refused."""

    def has_permission(self, request, view) -> bool:
        if via_token(request):
            self.message = _("Logins and roles are managed in a signed-in session, not with an API token.")
            return False
        if not access.scope_of(request.user).is_admin:
            self.message = _("Logins and roles are run by park admins.")
            return False
        return True


class AccountsViewSet(ScopedViewSet):
    def get_permissions(self):
        return [*super().get_permissions(), ParkAdminSession()]


# --- logins -------------------------------------------------------------------------------------------


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(
        choices=services.AccountRole.choices, method="filter_role", label=gettext_lazy("role")
    )
    park = django_filters.ModelChoiceFilter(
        field_name="account__park", queryset=Park.objects.all(), label=gettext_lazy("home park")
    )

    class Meta:
        model = User
        fields = ["is_active", "park", "role"]

    def filter_role(self, queryset, name, value):
        return selectors.filter_by_role(queryset, value)


class UserSerializer(serializers.ModelSerializer):
    # Checked by the service, which answers a taken name on this field in the caller's language.
    username = serializers.CharField(max_length=150, label=gettext_lazy("user name"))
    full_name = serializers.CharField(source="first_name", max_length=150, label=gettext_lazy("name"))
    email = serializers.EmailField(required=False, allow_blank=True, label=gettext_lazy("e-mail"))
    # Deactivated and reactivated by PATCH; a new login is active.
    is_active = serializers.BooleanField(required=False, label=pgettext_lazy("login", "active"))
    park = ScopedRelatedField(
        source="account.park",
        queryset=Park.objects.all(),
        scope=access.administered,
        # Null for superusers and operators of several parks (who are not listed to park admins).
        allow_null=True,
        label=gettext_lazy("home park"),
    )
    roles = serializers.SerializerMethodField()
    # Only when creating: the login's first role, and a secretary's organization.
    role = serializers.ChoiceField(choices=services.AccountRole.choices, write_only=True, label=gettext_lazy("role"))
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(),
        scope=access.administered,
        write_only=True,
        required=False,
        allow_null=True,
        label=gettext_lazy("organization"),
    )
    temporary_password = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id", "username", "full_name", "email", "is_active", "park", "roles", "role", "organization",
            "temporary_password",
        ]  # fmt: skip

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # A login keeps its user name and home park; its role changes through /grants/.
            for name in ("username", "park"):
                fields[name].read_only = True
            fields.pop("role")
            fields.pop("organization")
        return fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=services.AccountRole.choices)))
    def get_roles(self, user) -> list[str]:
        return selectors.roles_of(user)

    @extend_schema_field(OpenApiTypes.STR)
    def get_temporary_password(self, user) -> str | None:
        """In the answer to a create only: shown once, never stored in the clear."""
        return getattr(user, "temporary_password", None)

    def create(self, validated_data):
        park = validated_data["account"]["park"]
        if park is None:
            raise serializers.ValidationError({"park": [_("Choose the login's home park.")]})
        user, password = services.account_create(
            park=park,
            username=validated_data["username"],
            full_name=validated_data["first_name"],
            email=validated_data.get("email", ""),
            role=validated_data["role"],
            organization=validated_data.get("organization"),
            actor=self.context["request"].user,
        )
        user.temporary_password = password
        return user

    def update(self, instance, validated_data):
        actor = self.context["request"].user
        if "first_name" in validated_data or "email" in validated_data:
            services.account_update(
                user=instance,
                full_name=validated_data.get("first_name", instance.first_name),
                email=validated_data.get("email", instance.email),
                actor=actor,
            )
        if validated_data.get("is_active") is False:
            services.account_deactivate(user=instance, actor=actor)
        elif validated_data.get("is_active") is True:
            services.account_reactivate(user=instance, actor=actor)
        return instance

    def to_representation(self, instance):
        if not hasattr(instance, "_prefetched_objects_cache"):
            password = getattr(instance, "temporary_password", None)
            instance = selectors.with_roles(User.objects.filter(pk=instance.pk)).get()
            if password:
                instance.temporary_password = password
        return super().to_representation(instance)


class UserViewSet(AccountsViewSet):
    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_class = UserFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    ordering_fields = ["username", "date_joined"]
    ordering = ["username", "pk"]
    search_fields = ["username", "first_name"]

    def get_queryset(self):
        return selectors.with_roles(super().get_queryset())

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        add_never_cache_headers(response)  # the answer holds the temporary password
        return response


# --- roles --------------------------------------------------------------------------------------------


class GrantFilter(django_filters.FilterSet):
    role = ChoiceInFilter(choices=Role.choices)

    class Meta:
        model = Grant
        fields = ["user", "role", "park", "organization"]


class GrantSerializer(serializers.ModelSerializer):
    user = ScopedRelatedField(queryset=User.objects.all(), label=gettext_lazy("user"))
    park = ScopedRelatedField(
        queryset=Park.objects.all(), scope=access.administered, required=False, allow_null=True,
        label=gettext_lazy("park"),
    )  # fmt: skip
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(), scope=access.administered, required=False, allow_null=True,
        label=gettext_lazy("organization"),
    )  # fmt: skip

    class Meta:
        model = Grant
        fields = ["id", "user", "role", "park", "organization"]
        # The service answers a role held twice on the field at fault.
        validators: list = []

    def create(self, validated_data):
        return services.grant_give(**validated_data, actor=self.context["request"].user)


class GrantViewSet(AccountsViewSet):
    queryset = Grant.objects.select_related("user", "park", "organization")
    serializer_class = GrantSerializer
    filterset_class = GrantFilter
    http_method_names = ["get", "post", "delete", "head", "options"]
    ordering_fields = ["user", "role"]
    ordering = ["user", "role", "pk"]

    def perform_destroy(self, instance):
        services.grant_take(grant=instance, actor=self.request.user)
