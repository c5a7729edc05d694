"""List the members whose ID-card number is on more than one park's roster, for the operators.

A park admin is never told that a number is held elsewhere (issue 13): the same person in two parks is
accepted, and this report (and the admin's "ID-card number in several parks" filter) is where it shows.
Numbers are printed masked: the output may reach a terminal log."""

from django.core.management.base import BaseCommand

from organizations.selectors import members_in_several_parks


class Command(BaseCommand):
    help = "List members whose ID-card number is on several parks' rosters (masked); exit code 0 either way."

    def handle(self, *args, **options):
        rows = members_in_several_parks().select_related("park", "organization")
        count = 0
        for member in rows:
            count += 1
            self.stdout.write(
                f"{member.masked_id_number}\tmember {member.pk}\t{member.park.name}\t"
                f"{member.organization.name}\t{member.status}"
            )
        self.stdout.write(f"{count} member(s) share an ID-card number with another park's roster.")
