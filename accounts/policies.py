"""Who manages logins and roles: the park admins of the login's home park, and no one else.

A login belongs to the park of its account (`account__park`); a grant to the park of its holder's
account, whatever park or organization it names (the services keep those inside the home park).
Viewers do not read them (`admin_reads_only`), nor do secretaries and instructors (no path, no
enterprise): who may log in, and as what, is the park committee's business.
"""

from django.contrib.auth import get_user_model

from parkparty.access import Policy
from parkparty.models import Grant

POLICIES = {
    get_user_model(): Policy(park="account__park", admin_reads_only=True),
    Grant: Policy(park="user__account__park", admin_reads_only=True),
}
