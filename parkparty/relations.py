"""Reaching a model of an app above through the relations of one's own models."""

from __future__ import annotations

from django.db import models


def related_rows(model: type[models.Model], field: str) -> models.QuerySet:
    """All rows the foreign key `model.field` may point at. An app names a model of an app above it
    only through its own models' relations, so that imports keep pointing down."""
    return model._meta.get_field(field).related_model._default_manager.all()
