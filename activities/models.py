"""Venues (阵地) where meetings and activities take place. Bookings and activities come with issue 5."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Venue(models.Model):
    """A meeting room or activity centre: an enterprise's, open to others when shared, or the park's own."""

    park = models.ForeignKey("organizations.Park", models.PROTECT, related_name="venues", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=100)
    # Null: the park's own venue (e.g. the party-and-mass service centre).
    owner = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("owner enterprise"),
    )
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    shared = models.BooleanField(_("shared with other enterprises"), default=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["park", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="venue_unique_name_per_park")]

    def __str__(self) -> str:
        return self.name
