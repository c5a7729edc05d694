"""Relations: reaching a model of an app above through one's own models, and which foreign keys of
an instance hold rows already read."""

from __future__ import annotations

from django.db import models


def related_rows(model: type[models.Model], field: str) -> models.QuerySet:
    """All rows the foreign key `model.field` may point at. An app names a model of an app above it
    only through its own models' relations, so that imports keep pointing down."""
    return model._meta.get_field(field).related_model._default_manager.all()


def loaded_relations(instance: models.Model) -> set[str]:
    """The foreign keys of `instance` that hold a row read from the database (or saved to it): pass
    them to full_clean's `exclude`, which would otherwise ask the database, one query each, whether
    that row exists. It does: nothing referenced is deleted here (PROTECT), and the database's own
    foreign key refuses a missing row all the same."""
    return {
        field.name
        for field in instance._meta.concrete_fields
        if field.many_to_one and field.is_cached(instance) and _is_stored(field, instance)
    }


def _is_stored(field, instance: models.Model) -> bool:
    related = field.get_cached_value(instance)
    if related is None or related._state.adding:
        return False
    return getattr(related, field.target_field.attname) == getattr(instance, field.attname)
