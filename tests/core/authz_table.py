"""Who may call what: the authorization table, kept by people, checked by a test.

One row per operation of the OpenAPI schema (``"METHOD /path"``), naming who is allowed, in a
small vocabulary. ``tests/core/test_authorization_matrix.py`` sends every operation as each of ten
personas, with the objects of citizen A, organization A and office X in the path, and fails
when the application lets in someone this table does not, keeps out someone it lets in, or
when an operation has no row (a new route must be given one here, after reading API.md's
"who" column) or a row names an operation that no longer exists.

Vocabulary (a row lists one or more):

- ``PUBLIC``: everyone, signed in or not.
- ``ACCOUNT``: any signed-in account (staff, citizen, organization).
- ``CITIZEN``: any citizen account, whatever its verification level (booking, own lists).
- ``CITIZEN_VERIFIED``: citizen accounts at verification ``identity`` (lists of records about
  the person: below ``identity`` → 403 ``IDENTITY_NOT_VERIFIED``).
- ``CITIZEN_OWN``: only the citizen the object in the path belongs to (A); another citizen gets
  404, as for a thing that does not exist.
- ``ORG``: any organization account; ``ORG_OWN``: only the organization in the path (A).
- ``CLERK``: a clerk of any office; ``CLERK_OWN_OFFICE``: only a clerk of the office the object
  in the path (or the office named in the body) belongs to (X); a clerk of office Y gets 404 for
  X's records, 403 for acting at X.
- ``REVIEWER``, ``ADMIN``: those staff roles.

Notes where the code allows more than API.md's "who" column says (API.md is silent, not
contrary; kept deliberately):

- ``GET /appointments/{code}/ics``: API.md says the booker; the clerk of the appointment's office
  may also download it (the clerk may already read the appointment itself).
- ``GET /orgs/abnormal``: API.md says clerk, reviewer; the admin may read it too, as every other
  social-organization list.
- ``GET /orgs/{uscc}/annual-reports/...``: API.md names only the org's own account for writing;
  staff who read reports (admin, clerk, reviewer) may read them.
"""

from __future__ import annotations

PUBLIC = "public"
ACCOUNT = "account"
CITIZEN = "citizen"
CITIZEN_VERIFIED = "citizen_verified"
CITIZEN_OWN = "citizen_own"
ORG = "org"
ORG_OWN = "org_own"
CLERK = "clerk"
CLERK_OWN_OFFICE = "clerk_own_office"
REVIEWER = "reviewer"
ADMIN = "admin"

PERSONAS = (
    "anonymous",
    "citizen_a",
    "citizen_b",
    "citizen_unverified",
    "org_a",
    "org_b",
    "clerk_x",
    "clerk_y",
    "reviewer",
    "admin",
)
"""citizen A and B are verified at ``identity``; the unverified citizen is a third person who
signed up and went no further. A, org A and office X own the objects in the paths."""

_MEANING: dict[str, frozenset[str]] = {
    PUBLIC: frozenset(PERSONAS),
    ACCOUNT: frozenset(PERSONAS) - {"anonymous"},
    CITIZEN: frozenset({"citizen_a", "citizen_b", "citizen_unverified"}),
    CITIZEN_VERIFIED: frozenset({"citizen_a", "citizen_b"}),
    CITIZEN_OWN: frozenset({"citizen_a"}),
    ORG: frozenset({"org_a", "org_b"}),
    ORG_OWN: frozenset({"org_a"}),
    CLERK: frozenset({"clerk_x", "clerk_y"}),
    CLERK_OWN_OFFICE: frozenset({"clerk_x"}),
    REVIEWER: frozenset({"reviewer"}),
    ADMIN: frozenset({"admin"}),
}

STAFF_READERS = (ADMIN, CLERK, REVIEWER)

TABLE: dict[str, tuple[str, ...]] = {
    # -- core: accounts and sign-in ----------------------------------------------------------
    "POST /api/v1/auth/token": (PUBLIC,),
    "POST /api/v1/auth/logout": (ACCOUNT,),
    "GET /api/v1/me": (ACCOUNT,),
    "GET /api/v1/auth/oidc/login": (PUBLIC,),
    "GET /api/v1/auth/oidc/callback": (PUBLIC,),
    "POST /api/v1/citizens": (PUBLIC,),
    "POST /api/v1/citizens/confirm-phone": (CITIZEN,),
    "POST /api/v1/citizens/phone-code": (CITIZEN,),
    "POST /api/v1/citizens/{id_number}/verify-identity": (CLERK,),
    "POST /api/v1/citizens/activate": (PUBLIC,),
    "POST /api/v1/citizens/password-reset": (PUBLIC,),
    "POST /api/v1/citizens/password-reset/confirm": (PUBLIC,),
    # -- core: administration ----------------------------------------------------------------
    "GET /api/v1/admin/users": (ADMIN,),
    "POST /api/v1/admin/users": (ADMIN,),
    "PATCH /api/v1/admin/users/{account_id}": (ADMIN,),
    "GET /api/v1/admin/plugins": (ADMIN,),
    "PATCH /api/v1/admin/plugins/{name}": (ADMIN,),
    "GET /api/v1/admin/audit": (ADMIN,),
    "GET /api/v1/admin/audit/verify": (ADMIN,),
    "GET /api/v1/admin/notifications": (ADMIN,),
    "POST /api/v1/admin/notifications/{notification_id}/retry": (ADMIN,),
    "POST /api/v1/rosters/import": (ADMIN,),
    "PUT /api/v1/calendar/{year}": (ADMIN,),
    "POST /api/v1/calendar/{year}/preview": (ADMIN,),
    "PUT /api/v1/testing/clock": (ADMIN,),
    "DELETE /api/v1/testing/clock": (ADMIN,),
    "GET /api/v1/testing/outbox": (ADMIN,),
    # -- core: people, search, indicators, public ---------------------------------------------
    "GET /api/v1/people/{id_number}": STAFF_READERS,
    "PATCH /api/v1/people/{id_number}": (CLERK,),
    "POST /api/v1/people/{id_number}/death/revoke": (REVIEWER,),
    "GET /api/v1/stats/indicators": (ADMIN, REVIEWER),
    "GET /api/v1/search": STAFF_READERS,
    "GET /api/v1/calendar/{year}": (PUBLIC,),
    "GET /api/v1/verify/{certificate_no}": (PUBLIC,),
    # -- marriage ----------------------------------------------------------------------------
    "GET /api/v1/marriage/offices": (PUBLIC,),
    "POST /api/v1/marriage/offices": (ADMIN,),
    "PATCH /api/v1/marriage/offices/{code}": (ADMIN,),
    "GET /api/v1/marriage/offices/{code}/schedule": (ADMIN,),
    "PUT /api/v1/marriage/offices/{code}/schedule": (ADMIN,),
    "GET /api/v1/marriage/slots": (PUBLIC,),
    "GET /api/v1/marriage/appointments": (CITIZEN,),
    "POST /api/v1/marriage/appointments": (CITIZEN,),
    "GET /api/v1/marriage/appointments/{code}": (CITIZEN_OWN, CLERK_OWN_OFFICE),
    "DELETE /api/v1/marriage/appointments/{code}": (CITIZEN_OWN, CLERK_OWN_OFFICE),
    "POST /api/v1/marriage/appointments/{code}/rebook": (CITIZEN_OWN,),
    "GET /api/v1/marriage/appointments/{code}/ics": (CITIZEN_OWN, CLERK_OWN_OFFICE),
    "POST /api/v1/marriage/appointments/{code}/check-in": (CLERK_OWN_OFFICE,),
    "GET /api/v1/marriage/offices/{code}/appointments": (CLERK_OWN_OFFICE,),
    "GET /api/v1/marriage/booking-blocks": (ADMIN,),
    "DELETE /api/v1/marriage/booking-blocks/{id_number}": (ADMIN,),
    "POST /api/v1/marriage/registrations": (CLERK_OWN_OFFICE,),
    "GET /api/v1/marriage/registrations/{registration_id}": (CLERK_OWN_OFFICE,),
    "POST /api/v1/marriage/divorce-applications": (CLERK_OWN_OFFICE,),
    "GET /api/v1/marriage/divorce-applications/{application_id}": (CLERK_OWN_OFFICE,),
    "POST /api/v1/marriage/divorce-applications/{application_id}/withdraw": (CLERK_OWN_OFFICE,),
    "POST /api/v1/marriage/divorce-applications/{application_id}/register": (CLERK_OWN_OFFICE,),
    # The couple may ask for a new certificate at any registry (the new one is that office's).
    "POST /api/v1/marriage/reissues": (CLERK,),
    "GET /api/v1/marriage/certificates/{certificate_no}/pdf": (CITIZEN_OWN, CLERK_OWN_OFFICE),
    "GET /api/v1/marriage/status/{id_number}": (CLERK,),
    "GET /api/v1/marriage/tasks": (CLERK,),
    "POST /api/v1/marriage/tasks/{task_id}/close": (CLERK,),
    # -- funeral -----------------------------------------------------------------------------
    "GET /api/v1/funeral/policy": (PUBLIC,),
    "PUT /api/v1/funeral/policy": (ADMIN,),
    "GET /api/v1/funeral/policy/versions": (PUBLIC,),
    "POST /api/v1/funeral/waivers/preview": (CLERK,),
    "POST /api/v1/funeral/waivers": (CLERK,),
    "GET /api/v1/funeral/waivers": (CLERK, REVIEWER),
    "GET /api/v1/funeral/waivers/{waiver_id}": (CLERK, REVIEWER),
    "GET /api/v1/funeral/waivers/{waiver_id}/notice": (CLERK, REVIEWER),
    "POST /api/v1/funeral/waivers/{waiver_id}/void": (CLERK, REVIEWER),
    "POST /api/v1/funeral/waivers/{waiver_id}/correct": (CLERK, REVIEWER),
    "GET /api/v1/funeral/funeral-homes": (CLERK, REVIEWER),
    "GET /api/v1/funeral/settlements/{month}": (REVIEWER,),
    "GET /api/v1/funeral/settlements/{month}/csv": (REVIEWER,),
    "GET /api/v1/funeral/settlements/{month}/pdf": (REVIEWER,),
    "GET /api/v1/funeral/settlements/{month}/cases": (REVIEWER,),
    "GET /api/v1/funeral/settlements/{month}/cases/csv": (REVIEWER,),
    "GET /api/v1/funeral/settlements/{month}/cases/pdf": (REVIEWER,),
    "GET /api/v1/funeral/settlements/{month}/confirmation": (REVIEWER,),
    "POST /api/v1/funeral/settlements/{month}/confirm": (REVIEWER,),
    # -- disability subsidies ----------------------------------------------------------------
    "GET /api/v1/disability/standards": (PUBLIC,),
    "PUT /api/v1/disability/standards/{year}": (ADMIN,),
    "GET /api/v1/disability/policies": (PUBLIC,),
    "PUT /api/v1/disability/policies/{effective_from}": (ADMIN,),
    # A citizen for themself only (the body names A): B's attempt for A is refused.
    "POST /api/v1/disability/eligibility": (CLERK, CITIZEN_OWN),
    "POST /api/v1/disability/applications": (CLERK, CITIZEN_OWN),
    "GET /api/v1/disability/applications": (CLERK, REVIEWER, CITIZEN_VERIFIED),
    "GET /api/v1/disability/applications/{application_id}": (CLERK, REVIEWER, CITIZEN_OWN),
    "POST /api/v1/disability/applications/{application_id}/street-review": (CLERK,),
    "POST /api/v1/disability/applications/{application_id}/approve": (REVIEWER,),
    "POST /api/v1/disability/applications/{application_id}/reject": (REVIEWER,),
    "GET /api/v1/disability/beneficiaries": (CLERK, REVIEWER),
    "GET /api/v1/disability/reviews": (CLERK, REVIEWER),
    "GET /api/v1/disability/beneficiaries/{application_id}": (CLERK, REVIEWER),
    "POST /api/v1/disability/beneficiaries/{application_id}/stop": (REVIEWER,),
    "POST /api/v1/disability/beneficiaries/{application_id}/grade": (CLERK, REVIEWER),
    "POST /api/v1/disability/beneficiaries/{application_id}/review": (CLERK, REVIEWER),
    "GET /api/v1/disability/payroll": (REVIEWER,),
    "GET /api/v1/disability/payroll/{month}": (REVIEWER,),
    "POST /api/v1/disability/payroll/{month}": (REVIEWER,),
    "GET /api/v1/disability/payroll/{month}/csv": (REVIEWER,),
    "GET /api/v1/disability/payroll/{month}/pdf": (REVIEWER,),
    # -- social organizations ----------------------------------------------------------------
    "GET /api/v1/orgs": (PUBLIC,),
    "POST /api/v1/orgs": (CLERK,),
    "GET /api/v1/orgs/{uscc}": (PUBLIC,),
    "POST /api/v1/orgs/{uscc}/accounts": (CLERK,),
    "PUT /api/v1/orgs/{uscc}/legal-representative": (CLERK,),
    "GET /api/v1/orgs/tasks": (CLERK, REVIEWER),
    "GET /api/v1/orgs/abnormal": STAFF_READERS,
    "GET /api/v1/orgs/deregistration-proposals": STAFF_READERS,
    "POST /api/v1/orgs/deregistration-proposals/{uscc}/confirm": (REVIEWER,),
    "POST /api/v1/orgs/deregistration-proposals/{uscc}/reject": (REVIEWER,),
    "GET /api/v1/orgs/spot-checks": (PUBLIC,),
    "POST /api/v1/orgs/spot-checks": (REVIEWER,),
    "GET /api/v1/orgs/spot-checks/{spot_check_id}": (PUBLIC,),
    "GET /api/v1/orgs/evaluation-policy": (PUBLIC,),
    "PUT /api/v1/orgs/evaluation-policy": (ADMIN,),
    "POST /api/v1/orgs/{uscc}/evaluations": (REVIEWER,),
    "GET /api/v1/orgs/evaluations": (REVIEWER,),
    "GET /api/v1/orgs/evaluations/{evaluation_id}": (REVIEWER,),
    "POST /api/v1/orgs/evaluations/{evaluation_id}/announce": (REVIEWER,),
    "GET /api/v1/orgs/evaluations/{evaluation_id}/certificate": (ORG_OWN, *STAFF_READERS),
    "GET /api/v1/orgs/annual-reports": STAFF_READERS,
    "GET /api/v1/orgs/{uscc}/annual-reports": (ORG_OWN, *STAFF_READERS),
    "GET /api/v1/orgs/{uscc}/annual-reports/{year}": (ORG_OWN, *STAFF_READERS),
    "PUT /api/v1/orgs/{uscc}/annual-reports/{year}": (ORG_OWN,),
    "POST /api/v1/orgs/{uscc}/annual-reports/{year}/submit": (ORG_OWN,),
    "POST /api/v1/orgs/{uscc}/annual-reports/{year}/return": (CLERK,),
    "POST /api/v1/orgs/{uscc}/annual-reports/{year}/inspection": (CLERK,),
}


def allowed(operation: str) -> frozenset[str]:
    """The personas the table lets through ``operation``."""
    return frozenset().union(*(_MEANING[word] for word in TABLE[operation]))
