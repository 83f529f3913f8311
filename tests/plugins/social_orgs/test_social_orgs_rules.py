"""Social organizations: codes, annual reports, deadlines and the abnormal list.

Each table cites DOMAIN.md "Social organizations (社会团体, 社会服务机构, 基金会)".
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.refusals import Refusal
from plugins.social_orgs.rules import (
    abnormal_years,
    invalid_fields,
    is_abnormal,
    is_late,
    missing_fields,
    normalize_uscc,
    proposed_for_deregistration,
    report_deadline,
    report_due,
    require_complete,
)
from tests.factories import with_uscc_check

D = dt.date
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


GROUP = with_uscc_check("51440704MJL00001X")
SERVICE = with_uscc_check("52440704MJL00002Y")
FOUNDATION = with_uscc_check("53440704MJL00003K")
ENTERPRISE = with_uscc_check("91440704MA5000001")  # market regulation (9), not civil affairs
OTHER_CIVIL = with_uscc_check(
    "59440704MJL00004A"
)  # civil affairs "other" (9): none of the three kinds


# DOMAIN.md: "position 1 `5` = civil affairs, position 2 `1` social group, `2` social service,
# `3` foundation; check character ... Use `stdnum.cn.uscc`. → `INVALID_USCC`."
@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (GROUP, "social_group", GROUP),
        (SERVICE, "social_service", SERVICE),
        (FOUNDATION, "foundation", FOUNDATION),
        (GROUP.lower(), "social_group", GROUP),
        (f" {GROUP[:8]} {GROUP[8:]} ", "social_group", GROUP),
        (FOUNDATION, None, FOUNDATION),
    ],
    ids=["group", "service", "foundation", "lower-case", "spaces", "lookup-without-kind"],
)
def test_valid_codes_are_normalized(value: str, kind: str | None, expected: str) -> None:
    assert normalize_uscc(value, kind) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "kind", "detail_part"),
    [
        (GROUP, "foundation", "does not match kind foundation"),
        (FOUNDATION, "social_service", "does not match kind social_service"),
        (ENTERPRISE, "social_group", "civil affairs"),
        (OTHER_CIVIL, None, "1, 2 or 3"),
        (GROUP[:-1] + ("0" if GROUP[-1] != "0" else "1"), "social_group", "check character"),
        (GROUP[:-1], "social_group", "18 characters"),
        (GROUP[:9] + "I" + GROUP[10:], "social_group", "alphabet"),
        (None, "social_group", "text"),
    ],
    ids=[
        "kind-mismatch",
        "kind-mismatch-2",
        "not-civil-affairs",
        "unknown-kind",
        "bad-check",
        "short",
        "letter-I",
        "not-text",
    ],
)
def test_invalid_codes_are_refused(value: object, kind: str | None, detail_part: str) -> None:
    with pytest.raises(Refusal) as caught:
        normalize_uscc(value, kind)  # type: ignore[arg-type]
    assert caught.value.code == "INVALID_USCC"
    assert detail_part in caught.value.detail


@given(
    body=st.text(alphabet=ALPHABET, min_size=9, max_size=9),
    kind_digit=st.sampled_from("123"),
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from(ALPHABET),
)
def test_any_single_character_typo_is_refused(
    body: str, kind_digit: str, position: int, replacement: str
) -> None:
    code = with_uscc_check("5" + kind_digit + "440704" + body)
    assert normalize_uscc(code) == code
    typo = code[:position] + replacement + code[position + 1 :]
    if typo != code:
        with pytest.raises(Refusal) as caught:
            normalize_uscc(typo)
        assert caught.value.code == "INVALID_USCC"


COMPLETE_REPORT: dict[str, object] = {
    "activities": "开展社区公益讲座12场",
    "revenue_fen": 12_000_00,
    "expenditure_fen": 15_000_00,
    "net_assets_fen": -3_000_00,
    "full_time_staff": 0,
    "volunteers": 25,
    "party_organization": "joint",
    "officer_changes": "无",
    "donations_received_fen": 0,
}


def test_a_complete_report_can_be_submitted() -> None:
    # DOMAIN.md: content "activities, revenue, expenditure, net assets (fen), full-time staff
    # count, volunteers, Party organization, changes of officers, donations received".
    assert missing_fields(COMPLETE_REPORT) == []
    require_complete(COMPLETE_REPORT)


@pytest.mark.parametrize(
    ("changes", "expected_missing"),
    [
        ({"activities": "  "}, ["activities"]),
        ({"revenue_fen": -1}, ["revenue_fen"]),
        ({"net_assets_fen": 1.5}, ["net_assets_fen"]),
        ({"volunteers": True}, ["volunteers"]),
        ({"full_time_staff": "3"}, ["full_time_staff"]),
        ({"party_organization": True}, ["party_organization"]),
        ({"party_organization": "standalone"}, []),
        ({"officer_changes": ""}, ["officer_changes"]),
        ({"donations_received_fen": None}, ["donations_received_fen"]),
        ({"expenditure_fen": -5, "activities": None}, ["activities", "expenditure_fen"]),
    ],
    ids=[
        "blank-text",
        "negative-revenue",
        "fractional-fen",
        "bool-is-not-a-count",
        "count-as-string",
        "party-as-bool",
        "party-standalone",
        "officer-changes-blank",
        "donations-none",
        "two-in-form-order",
    ],
)
def test_missing_or_invalid_fields_block_submission(
    changes: dict[str, object], expected_missing: list[str]
) -> None:
    # DOMAIN.md: "required fields checked before submit (`INCOMPLETE_REPORT`)".
    report = {**COMPLETE_REPORT, **changes}
    assert missing_fields(report) == expected_missing


def test_require_complete_names_the_fields_to_fix() -> None:
    with pytest.raises(Refusal) as caught:
        require_complete({"activities": "年会", "volunteers": -2})
    assert caught.value.code == "INCOMPLETE_REPORT"
    assert caught.value.extra["missing"] == [
        "revenue_fen",
        "expenditure_fen",
        "net_assets_fen",
        "full_time_staff",
        "volunteers",
        "party_organization",
        "officer_changes",
        "donations_received_fen",
    ]
    assert "志愿者人数" in caught.value.detail


def test_a_partial_draft_is_flagged_only_for_wrong_values() -> None:
    draft = {"activities": "", "revenue_fen": None, "volunteers": -1, "net_assets_fen": -9}
    assert invalid_fields(draft) == ["volunteers"]
    assert invalid_fields({}) == []
    assert missing_fields({}) == list(COMPLETE_REPORT)


# DOMAIN.md: "An organization registered on or before 30 June of year Y files a report for Y."
@pytest.mark.parametrize(
    ("registered_on", "year", "expected"),
    [
        (D(2025, 6, 30), 2025, True),
        (D(2025, 7, 1), 2025, False),
        (D(2025, 7, 1), 2026, True),
        (D(2026, 1, 1), 2025, False),
        (D(2010, 5, 4), 2025, True),
    ],
)
def test_report_due_for_the_registration_year_only_from_30_june(
    registered_on: dt.date, year: int, expected: bool
) -> None:
    assert report_due(registered_on, year) is expected


# DOMAIN.md: "Annual report for year Y is due by 31 May of Y+1 (foundations: 31 March)."
@pytest.mark.parametrize(
    ("kind", "year", "deadline"),
    [
        ("social_group", 2025, D(2026, 5, 31)),
        ("social_service", 2025, D(2026, 5, 31)),
        ("foundation", 2025, D(2026, 3, 31)),
    ],
)
def test_report_deadline_by_kind(kind: str, year: int, deadline: dt.date) -> None:
    assert report_deadline(kind, year) == deadline  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [(D(2026, 5, 30), False), (D(2026, 5, 31), False), (D(2026, 6, 1), True)],
)
def test_late_means_after_the_deadline_day(submitted_on: dt.date, late: bool) -> None:
    assert is_late(submitted_on, D(2026, 5, 31)) is late


# DOMAIN.md: "While a due report is unsubmitted after its deadline the organization is abnormal
# (活动异常名录) for that year; a late submission ends that (the lateness stays on record)."
@pytest.mark.parametrize(
    ("kind", "registered_on", "submitted_on", "today", "abnormal"),
    [
        ("social_group", D(2020, 1, 1), None, D(2025, 5, 31), False),
        ("social_group", D(2020, 1, 1), None, D(2025, 6, 1), True),
        ("foundation", D(2020, 1, 1), None, D(2025, 3, 31), False),
        ("foundation", D(2020, 1, 1), None, D(2025, 4, 1), True),
        ("social_group", D(2020, 1, 1), D(2025, 6, 10), D(2025, 6, 20), False),
        ("social_group", D(2020, 1, 1), D(2025, 6, 10), D(2025, 6, 5), True),
        ("social_service", D(2024, 6, 30), None, D(2026, 1, 1), True),
        ("social_service", D(2024, 7, 1), None, D(2026, 1, 1), False),
    ],
    ids=[
        "group-on-deadline-day",
        "group-day-after",
        "foundation-on-deadline-day",
        "foundation-day-after",
        "late-submission-ends-it",
        "before-the-late-submission",
        "registered-30-june",
        "registered-1-july-not-due",
    ],
)
def test_abnormal_for_report_year_2024(
    kind: str,
    registered_on: dt.date,
    submitted_on: dt.date | None,
    today: dt.date,
    abnormal: bool,
) -> None:
    assert (
        is_abnormal(
            kind=kind,  # type: ignore[arg-type]
            registered_on=registered_on,
            year=2024,
            submitted_on=submitted_on,
            today=today,
        )
        is abnormal
    )


def test_late_submission_is_still_recorded_as_late() -> None:
    deadline = report_deadline("social_group", 2024)
    submitted_on = D(2025, 6, 10)
    assert not is_abnormal(
        kind="social_group",
        registered_on=D(2020, 1, 1),
        year=2024,
        submitted_on=submitted_on,
        today=D(2025, 7, 1),
    )
    assert is_late(submitted_on, deadline)


# DOMAIN.md: "Two consecutive years not filed → proposed for deregistration, for a reviewer to
# confirm."
@pytest.mark.parametrize(
    ("submitted_on", "today", "unfiled", "grounds"),
    [
        ({2022: D(2023, 5, 1)}, D(2025, 7, 1), [2023, 2024], (2023, 2024)),
        ({2022: D(2023, 5, 1)}, D(2025, 5, 15), [2023], None),
        ({2022: D(2023, 5, 1), 2023: D(2024, 9, 1)}, D(2025, 7, 1), [2024], None),
        ({2023: D(2024, 5, 1)}, D(2025, 7, 1), [2022, 2024], None),
        ({}, D(2026, 6, 1), [2022, 2023, 2024, 2025], (2024, 2025)),
    ],
    ids=[
        "two-missed",
        "second-not-yet-past-deadline",
        "late-filing-breaks-the-run",
        "not-consecutive",
        "latest-pair",
    ],
)
def test_two_consecutive_unfiled_years_propose_deregistration(
    submitted_on: dict[int, dt.date],
    today: dt.date,
    unfiled: list[int],
    grounds: tuple[int, int] | None,
) -> None:
    years = abnormal_years(
        kind="social_group", registered_on=D(2022, 3, 1), submitted_on=submitted_on, today=today
    )
    assert years == unfiled
    assert proposed_for_deregistration(years) == grounds


@given(
    registered_on=st.dates(D(2015, 1, 1), D(2025, 12, 31)),
    year=st.integers(2015, 2026),
    submitted_on=st.dates(D(2016, 1, 1), D(2027, 12, 31)),
    days_since=st.integers(0, 2000),
    kind=st.sampled_from(["social_group", "social_service", "foundation"]),
)
def test_a_submitted_report_takes_its_year_off_the_abnormal_list(
    registered_on: dt.date, year: int, submitted_on: dt.date, days_since: int, kind: str
) -> None:
    assert not is_abnormal(
        kind=kind,  # type: ignore[arg-type]
        registered_on=registered_on,
        year=year,
        submitted_on=submitted_on,
        today=submitted_on + dt.timedelta(days=days_since),
    )
