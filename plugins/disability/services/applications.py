"""Applications: the eligibility preview, filing, street review and the district decision.

Eligibility is judged in the month the application is filed (the month of the act), from the
roster entries covering that month and the policy in force on the filing day. Every state change
is one conditional UPDATE (``… WHERE status = <expected>``), so two reviewers acting at once
cannot both move an application, and a step out of order is refused with ``WRONG_STATE``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core import audit, clock
from core.auth.identity import CurrentUser
from core.context import current_actor
from core.db import fetch_one, is_unique_violation, write_transaction
from core.identity import mask_id_number
from core.people.service import (
    ensure_person,
    find_person,
    roster_entries,
    valid_division,
    valid_id_number,
)
from core.refusals import Reason, Refusal
from core.settings import get_settings
from plugins.disability.rules import (
    SUBSIDIES,
    SUBSIDY_NAMES_ZH,
    DisabilityCard,
    Eligibility,
    categories_in_month,
    check_card,
    eligibility,
    granted_subsidies,
    month_of,
    residence_refusal,
)
from plugins.disability.rules.bank_account import normalize_bank_account
from plugins.disability.services.common import (
    notify_applicant,
    reasons_json,
)
from plugins.disability.services.standards import policy_on
from plugins.disability.tables import Application

OPEN_STATUSES = ("submitted", "street_approved", "approved")
OPEN_INDEX = "disability_application_open_key"
PERSON_INDEX = "person_id_number_key"


@dataclass(frozen=True)
class ApplicationInput:
    id_number: str
    name: str
    card_no: str
    category: int
    grade: int
    subsidies: tuple[str, ...]
    hukou_division: str | None = None
    work_injury_nursing: bool = False
    orphan_support: bool = False
    phone: str = ""
    bank_account: str = ""


@dataclass(frozen=True)
class Assessment:
    """What the clerk sees before submitting, and what filing decides."""

    id_number: str
    filed_month: str
    applied_on: dt.date
    card: DisabilityCard | None
    eligibility: Eligibility | None
    reasons: tuple[Reason, ...] = ()
    granted: frozenset[str] = field(default_factory=frozenset)
    refusal: Refusal | None = None
    hukou_division: str | None = None
    """The hukou the residence rule used: the people registry's when it has one (it overrides
    the form's), else the form's."""
    hukou_source: str = ""  # "registry", "form" or "" (none known)
    resident: bool = True


def check_actor(user: CurrentUser, id_number: str) -> None:
    """A citizen applies for themself only (their username is their identity number): applying
    for someone else is 403 — the person's existence is not revealed, the act is refused."""
    if user.kind == "citizen" and user.username != id_number:
        raise Refusal.forbidden(
            zh="市民只能为本人申请",
            en="citizens may apply for themselves only",
            english_first=False,
        )
    if user.kind == "org":
        raise Refusal.forbidden()


def _requested(data: ApplicationInput) -> frozenset[str]:
    requested = frozenset(data.subsidies)
    if not requested or not requested <= set(SUBSIDIES):
        raise Refusal(
            "INVALID_SUBSIDY",
            zh="请选择生活补贴(living)和/或护理补贴(nursing)",
            en="subsidies must be living and/or nursing",
        )
    return requested


async def open_application_id(id_number: str) -> int | None:
    row = await fetch_one(
        "SELECT id FROM disability_application WHERE id_number = {} "
        "AND status IN ('submitted', 'street_approved', 'approved') ORDER BY id LIMIT 1",
        id_number,
    )
    return None if row is None else int(row["id"])


def duplicate_error(existing: int | None) -> Refusal:
    return Refusal(
        "DUPLICATE_APPLICATION",
        zh="该申请人已有在办或享受中的两项补贴申请",
        en="an open or active application exists",
        extra={"application_id": existing} if existing else None,
        kind="conflict",
    )


async def assess(data: ApplicationInput, user: CurrentUser) -> Assessment:
    """Everything filing would decide, without filing: card, eligibility, duplicate.

    Raises for what makes the form itself wrong (identity number, who applies, subsidies);
    returns the other refusals in ``refusal`` so the preview can show them next to the reasons.
    """
    number = valid_id_number(data.id_number, await clock.today())
    check_actor(user, number)
    requested = _requested(data)
    normalize_bank_account(data.bank_account)
    hukou = valid_division(data.hukou_division, "hukou_division") if data.hukou_division else None
    today = await clock.today()
    month = month_of(today)
    try:
        card = check_card(data.card_no, number, data.category, data.grade)
    except Refusal as exc:
        return Assessment(number, month, today, None, None, refusal=exc)
    person = await find_person(number)
    entries = await roster_entries(number)
    categories = categories_in_month(
        [(e.category, e.valid_from, e.valid_to) for e in entries], month
    )
    result = eligibility(
        card.grade,
        card.category,
        categories,
        data.work_injury_nursing,
        data.orphan_support,
        await policy_on(today),
    )
    registry_hukou = person.hukou_division if person else None
    used_hukou = registry_hukou or hukou
    source = "registry" if registry_hukou else ("form" if hukou else "")
    residence = residence_refusal(
        used_hukou,
        get_settings().district_division,
        person is not None and person.deceased_on is not None,
    )
    reasons = result.reasons if residence is None else (residence, *result.reasons)
    refusal: Refusal | None = None
    granted: frozenset[str] = frozenset()
    why = {
        "eligible": {
            "living": result.living and residence is None,
            "nursing": result.nursing and residence is None,
        },
        "reasons": [r.body() for r in reasons],
    }
    existing = await open_application_id(number)
    if existing is not None:
        refusal = duplicate_error(existing)
    elif residence is not None:
        refusal = Refusal("NOT_ELIGIBLE", residence.zh, residence.en, extra=why)
    else:
        try:
            granted = granted_subsidies(result, requested)
        except Refusal as exc:
            refusal = exc.with_extra(why)
    return Assessment(
        number,
        month,
        today,
        card,
        result,
        reasons,
        granted,
        refusal,
        hukou_division=used_hukou,
        hukou_source=source,
        resident=residence is None,
    )


async def submit_application(data: ApplicationInput, user: CurrentUser) -> int:
    """File the application; returns its id. 409 ``DUPLICATE_APPLICATION`` also when a
    concurrent filing for the same person wins the race (the partial unique index)."""
    try:
        async with write_transaction():
            found = await assess(data, user)
            if found.refusal is not None:
                raise found.refusal
            assert found.card is not None and found.eligibility is not None
            await ensure_person(
                found.id_number, data.name.strip(), hukou_division=data.hukou_division or None
            )
            application_id = await _insert(data, found, user)
            await notify_applicant(
                data.phone,
                found.id_number,
                "残疾人两项补贴申请已受理",
                f"您的残疾人两项补贴申请（编号{application_id}）已受理，等待街道审核。",
            )
            await audit.record(
                "disability.application.submitted",
                entity="application",
                entity_id=application_id,
                summary=(
                    f"受理两项补贴申请 {mask_id_number(found.id_number)}："
                    f"{'、'.join(SUBSIDY_NAMES_ZH[s] for s in sorted(found.granted))}"
                ),
                details={"granted": sorted(found.granted), "filed_month": found.filed_month},
            )
    except Exception as exc:
        # Two filings racing for the same person: the loser hits the open-application index,
        # or (for someone not yet in the registry) the person's own unique key.
        if is_unique_violation(exc, OPEN_INDEX, "disability_application.id_number") or (
            is_unique_violation(exc, PERSON_INDEX, "person.id_number")
        ):
            raise duplicate_error(None) from None
        raise
    return application_id


async def _insert(data: ApplicationInput, found: Assessment, user: CurrentUser) -> int:
    assert found.card is not None and found.eligibility is not None
    rows = await Application.insert(
        Application(
            id_number=found.id_number,
            name=data.name.strip(),
            card_no=found.card.number,
            category=found.card.category,
            grade=found.card.grade,
            requested=",".join(s for s in SUBSIDIES if s in data.subsidies),
            granted=",".join(s for s in SUBSIDIES if s in found.granted),
            eligible_living=found.eligibility.living,
            eligible_nursing=found.eligibility.nursing,
            reasons=reasons_json(found.reasons),
            work_injury_nursing=data.work_injury_nursing,
            orphan_support=data.orphan_support,
            phone=data.phone.strip(),
            bank_account=normalize_bank_account(data.bank_account),
            applied_on=found.applied_on,
            filed_month=found.filed_month,
            status="submitted",
            submitted_by=user.username,
            office_code=user.office_code,
        )
    ).returning(Application.id)
    return int(rows[0]["id"])


async def refuse_transition(application_id: int, expected: str) -> Refusal:
    row = await fetch_one("SELECT status FROM disability_application WHERE id = {}", application_id)
    if row is None:
        return Refusal.not_found(zh="没有这个申请", en="no such application", english_first=False)
    return Refusal(
        "WRONG_STATE",
        zh=f"申请当前状态为 {row['status']}，此操作需要 {expected}",
        en=(f"the application is {row['status']}; this step needs {expected}"),
        extra={"status": row["status"], "expected": expected},
    )


async def street_review(application_id: int, approve: bool, note: str) -> str:
    status = "street_approved" if approve else "rejected"
    async with write_transaction():
        row = await fetch_one(
            "UPDATE disability_application SET status = {}, street_note = {}, "
            "street_reviewed_by = {}, street_reviewed_at = {} "
            "WHERE id = {} AND status = 'submitted' RETURNING id, id_number, phone",
            status,
            note.strip(),
            current_actor.get(),
            dt.datetime.now(dt.UTC),
            application_id,
        )
        if row is None:
            raise await refuse_transition(application_id, "submitted")
        outcome = "通过街道审核，等待区级审批" if approve else f"未通过街道审核：{note.strip()}"
        await notify_applicant(
            row["phone"],
            row["id_number"],
            "残疾人两项补贴申请街道审核结果",
            f"您的两项补贴申请（编号{application_id}）{outcome}。",
        )
        await audit.record(
            f"disability.application.street_{'approved' if approve else 'rejected'}",
            entity="application",
            entity_id=application_id,
            summary=f"街道审核{'通过' if approve else '不通过'} {mask_id_number(row['id_number'])}",
            details={"note": note.strip()},
        )
    return status


async def reject(application_id: int, note: str) -> str:
    async with write_transaction():
        row = await fetch_one(
            "UPDATE disability_application SET status = 'rejected', decision_note = {}, "
            "decided_by = {}, decided_at = {} "
            "WHERE id = {} AND status = 'street_approved' RETURNING id, id_number, phone",
            note.strip(),
            current_actor.get(),
            dt.datetime.now(dt.UTC),
            application_id,
        )
        if row is None:
            raise await refuse_transition(application_id, "street_approved")
        await notify_applicant(
            row["phone"],
            row["id_number"],
            "残疾人两项补贴申请审批结果",
            f"您的两项补贴申请（编号{application_id}）未获区级审批：{note.strip()}。",
        )
        await audit.record(
            "disability.application.rejected",
            entity="application",
            entity_id=application_id,
            summary=f"区级审批不通过 {mask_id_number(row['id_number'])}",
            details={"note": note.strip()},
        )
    return "rejected"
