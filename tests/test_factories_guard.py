"""One way to make test data and move the test clock: tests/factories.py.

Identity numbers, credit codes, staff sign-ins and the test clock were once made in a dozen
places, each a little differently. This test reads every Python file under tests/ and fails
when one of them appears again outside tests/factories.py. The patterns, and why each means
a second way:

- ``calc_check_digit``, ``10X98765432``, ``7, 9, 10, 5, 8, 4`` (GB 11643 weights),
  ``1, 3, 9, 27, 19, 26`` (GB 32100 weights): computing a check character, i.e. another
  identity-number or credit-code generator (use ``factories.id_number`` / ``factories.uscc``
  / ``factories.with_uscc_check``).
- ``set_test_today``, ``ClockOverride``, ``testing/clock``: setting the clock some other way
  than ``factories.set_today`` (or the ``set_today`` fixture built on it).
- ``issue_token(``, ``Bearer {``, ``["token"]``: a token written to the tables or a header
  built by hand, i.e. another staff sign-in (use the ``staff`` fixture, ``factories.staff_user``,
  ``factories.sign_in`` or ``factories.staff_session``).

A file that tests the mechanism itself (the clock endpoint, token issuing) is listed with its
reason; a listed file that no longer matches fails too, so the list cannot go stale.
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent

RULES: dict[str, tuple[str, dict[str, str]]] = {
    "a check-digit generator": (
        r"calc_check_digit|10X98765432|7, 9, 10, 5, 8, 4|1, 3, 9, 27, 19, 26",
        {},
    ),
    "a second way to set the test clock": (
        r"set_test_today|ClockOverride|testing/clock",
        {
            "core/test_clock.py": "tests the clock endpoint itself",
            "core/test_audit.py": "checks that moving and resetting the clock are audited",
            "core/authz_table.py": "lists who may call every route, the clock's among them",
            "core/test_authorization_matrix.py": "calls every route with a valid body",
            "core/test_auth_tokens.py": "checks that a clerk is refused the clock route",
        },
    ),
    "a second way to make a token": (
        r"issue_token\(|Bearer \{|\[[\"']token[\"']\]",
        {
            "core/test_auth_tokens.py": "tests token issuing, expiry and logout themselves",
            "core/test_api_fuzz.py": "hands a raw token to the schemathesis command line",
            "plugins/marriage/support.py": (
                "writes hundreds of citizen accounts for booking rushes without Argon2"
            ),
        },
    ),
}

# What each pattern is for: a line it must catch (so the guard itself can fail).
EXAMPLES = {
    "a check-digit generator": 'return body + ric.calc_check_digit(body + "0")',
    "a second way to set the test clock": 'await client.put("/api/v1/testing/clock", json=day)',
    "a second way to make a token": 'return {"Authorization": f"Bearer {raw}"}',
}


def test_identity_numbers_credit_codes_tokens_and_the_clock_come_from_the_factories() -> None:
    for name, example in EXAMPLES.items():
        assert re.search(RULES[name][0], example), f"the pattern of {name} misses {example!r}"
    files = {
        path.relative_to(TESTS).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(TESTS.rglob("*.py"))
        if path.name not in ("factories.py", Path(__file__).name) or path.parent != TESTS
    }
    found = []
    for name, (pattern, allowed) in RULES.items():
        matching = [
            (relative, line_no)
            for relative, text in files.items()
            for line_no, line in enumerate(text.splitlines(), 1)
            if re.search(pattern, line)
        ]
        found += [
            f"tests/{relative}:{line_no}: {name} (use tests/factories.py)"
            for relative, line_no in matching
            if relative not in allowed
        ]
        found += [
            f"tests/{relative}: listed as allowed for {name} but no longer matches; unlist it"
            for relative in allowed
            if relative not in {relative for relative, _ in matching}
        ]
    assert not found, "\n".join(found)
