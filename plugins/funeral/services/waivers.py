"""Previewing and recording waivers.

Recording a waiver for an identified person records the death in the core registry in the same
transaction, which announces it to every enabled plugin (``minzheng_person_died``): the waiver,
the death, the notice and the plugins' reactions are committed together or not at all. One
waiver per deceased is enforced by a partial unique index (voided waivers do not count), so two
clerks saving the same case at once get one waiver and one ``DUPLICATE_WAIVER``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from typing import Any

from core import audit
from core.db import is_unique_violation, write_transaction
from core.identity import mask_id_number
from core.people.service import (
    ensure_person,
    record_death,
)
from core.refusals import Refusal
from plugins.funeral.certificates import issue_notice, yuan
from plugins.funeral.rules import (
    CATEGORY_NAMES_ZH,
    eligibility,
)
from plugins.funeral.schemas import PreviewIn, WaiverIn
from plugins.funeral.services.deciding import (
    Actor,
    Deceased,
    active_waiver,
    claimed_items,
    deceased_of,
    decide,
    declared_categories_of,
    division_of,
    duplicate,
    ensure_month_open,
    facts_of,
    hukou_required,
    required_text,
)
from plugins.funeral.services.policy import StoredPolicy, policy_on
from plugins.funeral.services.records import (
    UNIDENTIFIED_NAME,
    deceased_label,
    waiver_body,
    waiver_row,
)
from plugins.funeral.tables import FuneralWaiver


async def preview_waiver(data: PreviewIn, today: dt.date) -> dict[str, Any]:
    """What saving would decide, without saving: the person, their roster entries, eligibility
    on the day of death and (when items are given) the amounts. Refusals as for saving."""
    deceased = deceased_of(data.deceased)
    division = division_of(data.deceased.hukou_division)
    declared = declared_categories_of(data.deceased)
    stored = await policy_on(deceased.died_on)
    facts = await facts_of(deceased, division, declared)
    items = claimed_items(data.items)
    if items:
        decision = decide(stored, deceased, facts, items, today)
        category, reasons = decision.category, [r.body() for r in decision.reasons]
        lines = [asdict(line) for line in decision.lines]
        waived = decision.waived_fen
    else:
        if deceased.died_on > today:
            raise Refusal(
                "DIED_IN_FUTURE", zh="死亡日期晚于今天", en="date of death is in the future"
            )
        category, verdict = eligibility(
            stored.policy,
            deceased.died_on,
            facts.entries,
            facts.hukou_division,
            deceased.certificate_no is not None,
            facts.declared_categories,
        )
        reasons, lines, waived = [verdict.body()], [], 0
    existing = await active_waiver(deceased)
    person = facts.person
    if person is not None:
        await audit.record(
            "funeral.person.looked_up",
            entity="person",
            entity_id=mask_id_number(person.id_number),
            summary=f"殡葬减免受理查询 {mask_id_number(person.id_number)}",
        )
    return {
        "person": None
        if person is None
        else {
            "name": person.name,
            "sex": person.sex,
            "birth_date": person.birth_date,
            "hukou_division": person.hukou_division,
            "deceased_on": person.deceased_on,
        },
        "assistance": [
            {
                "category": category_code,
                "category_name": CATEGORY_NAMES_ZH.get(category_code, category_code),
                "valid_from": start,
                "valid_to": end,
                "valid_on_death_day": start <= deceased.died_on
                and (end is None or deceased.died_on <= end),
            }
            for category_code, start, end in facts.entries
        ],
        "eligible": category is not None,
        "category": category,
        "category_name": CATEGORY_NAMES_ZH.get(category or "", category),
        "status": "approved" if category is not None else "rejected",
        "waived_fen": waived,
        "items": lines,
        "reasons": reasons,
        "existing_waiver": existing,
        "hukou_division": facts.hukou_division,
        "policy_version": stored.version,
        "policy_effective_from": stored.policy.effective_from,
    }


async def insert_waiver(
    data: WaiverIn,
    deceased: Deceased,
    *,
    today: dt.date,
    actor: Actor,
    stored: StoredPolicy,
    replaces_id: int | None,
) -> dict[str, Any]:
    """Decide and store one waiver with its notice and the recorded death (caller's transaction)."""
    division = division_of(data.deceased.hukou_division)
    funeral_home = required_text(data.funeral_home, "funeral_home")
    applicant = [
        required_text(v, f)
        for v, f in (
            (data.applicant.name, "applicant.name"),
            (data.applicant.phone, "applicant.phone"),
            (data.applicant.relation, "applicant.relation"),
        )
    ]
    items = claimed_items(data.items)
    facts = await facts_of(deceased, division, declared_categories_of(data.deceased))
    decision = decide(stored, deceased, facts, items, today)
    if decision.reasons[0].code == "HUKOU_UNKNOWN":
        raise hukou_required()
    name = data.deceased.name.strip()
    if not name:
        if facts.person is not None:
            name = facts.person.name
        elif deceased.certificate_no:
            name = UNIDENTIFIED_NAME
        else:
            required_text(name, "deceased.name")
    existing = await active_waiver(deceased)
    if existing is not None:
        raise duplicate(existing["id"])
    lines = [asdict(line) for line in decision.lines]
    reasons = [r.body() for r in decision.reasons]
    row = FuneralWaiver(
        id_number=deceased.id_number,
        police_certificate_no=deceased.certificate_no,
        deceased_name=name,
        died_on=deceased.died_on,
        hukou_division=facts.hukou_division,
        declared_categories=json.dumps(list(facts.declared_categories)),
        funeral_home=funeral_home,
        applicant_name=applicant[0],
        applicant_phone=applicant[1],
        applicant_relation=applicant[2],
        status=decision.status,
        category=decision.category,
        fee_fen=sum(line["fee_fen"] for line in lines),
        waived_fen=decision.waived_fen,
        lines=json.dumps(lines, ensure_ascii=False),
        reasons=json.dumps(reasons, ensure_ascii=False),
        policy_id=stored.version,
        recorded_on=today,
        recorded_by=actor.username,
        office_code=actor.office_code,
        replaces_id=replaces_id,
    )
    try:
        inserted = await FuneralWaiver.insert(row).returning(FuneralWaiver.id)
    except Exception as exc:
        if is_unique_violation(exc):
            raise duplicate(None) from None
        raise
    waiver_id = inserted[0]["id"]
    if deceased.id_number:
        # the registry records the hukou the decision was made on (filled when it had none)
        await ensure_person(deceased.id_number, name, hukou_division=facts.hukou_division)
    notice_no = await issue_notice(
        {
            "waiver_id": waiver_id,
            "deceased_name": name,
            "deceased_id": deceased.id_number or f"无名遗体证明 {deceased.certificate_no}",
            "died_on": deceased.died_on.isoformat(),
            "funeral_home": funeral_home,
            "applicant_name": applicant[0],
            "applicant_relation": applicant[2],
            "decision": decision.status,
            "category_name": CATEGORY_NAMES_ZH.get(decision.category or "", decision.category),
            "lines": lines,
            "fee_fen": row.fee_fen,
            "waived_fen": decision.waived_fen,
            "reasons": reasons,
        },
        today,
    )
    await FuneralWaiver.update({FuneralWaiver.notice_no: notice_no}).where(
        FuneralWaiver.id == waiver_id
    )
    if deceased.id_number:
        await record_death(deceased.id_number, deceased.died_on, source="funeral")
    return await waiver_row(waiver_id)


async def record_waiver(data: WaiverIn, *, today: dt.date, actor: Actor) -> dict[str, Any]:
    """Decide and record a waiver (approved or rejected), its notice and the death."""
    deceased = deceased_of(data.deceased)
    async with write_transaction():
        await ensure_month_open(today)
        # DOMAIN.md: the policy in force on the day of death applies.
        stored = await policy_on(deceased.died_on)
        row = await insert_waiver(
            data, deceased, today=today, actor=actor, stored=stored, replaces_id=None
        )
        await audit_recorded(row)
    return waiver_body(row, full=True)


async def audit_recorded(row: dict[str, Any]) -> None:
    verdict = "予以减免" if row["status"] == "approved" else "不予减免"
    await audit.record(
        "funeral.waiver.recorded",
        entity="funeral_waiver",
        entity_id=row["id"],
        summary=(
            f"惠民殡葬减免 {deceased_label(row)}：{verdict}，"
            f"减免 {yuan(row['waived_fen'])} 元（{row['funeral_home']}）"
        ),
        details={
            "status": row["status"],
            "category": row["category"],
            "waived_fen": row["waived_fen"],
            "funeral_home": row["funeral_home"],
            "notice_no": row["notice_no"],
        },
    )
