"""Whether a couple may register their marriage (结婚登记), DOMAIN.md "Marriage registration" 1–4.

Everything is decided on the registration date, never on the day the code runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from core.identity import Sex, age_on, birth_date_of, sex_of
from core.refusals import Refusal
from plugins.marriage.rules.jurisdiction import JURISDICTION_ERAS, JurisdictionEra, may_register_at
from plugins.marriage.rules.refusals import refusal
from plugins.marriage.rules.status import MaritalRecord, current_spouse

# The text of each refusal, English and Chinese.
REGISTRATION_REFUSALS: dict[str, tuple[str, str]] = {
    "SAME_PERSON": ("Both parties are the same person", "双方为同一人"),
    "INVALID_PARTIES": ("Marriage is between one man and one woman", "结婚须为一男一女"),
    "DECEASED": ("A party is deceased", "一方当事人已死亡"),
    "UNDERAGE": ("Below the legal age: man 22, woman 20", "未达法定婚龄（男22周岁，女20周岁）"),
    "ALREADY_MARRIED": ("A party has a spouse", "一方当事人有配偶"),
    "NOT_IN_JURISDICTION": (
        "This registry may not register the couple on this date",
        "本登记机关无管辖权",
    ),
}

# 民法典 第1047条: full years on the registration date.
LEGAL_MARRIAGE_AGE: dict[Sex, int] = {"male": 22, "female": 20}


@dataclass(frozen=True)
class Party:
    """One party as the rules see them: a normalized identity number (sex and birth date come
    from it), the 6-digit hukou and residence-permit divisions, death date and marital records."""

    id_number: str
    hukou_division: str
    residence_permit_division: str | None = None
    deceased_on: dt.date | None = None
    marital_records: tuple[MaritalRecord, ...] = ()


def is_dead_on(party: Party, day: dt.date) -> bool:
    return party.deceased_on is not None and party.deceased_on <= day


def has_legal_marriage_age(id_number: str, day: dt.date) -> bool:
    return age_on(birth_date_of(id_number), day) >= LEGAL_MARRIAGE_AGE[sex_of(id_number)]


def registration_refusal(
    party_a: Party,
    party_b: Party,
    registry_division: str,
    registered_on: dt.date,
    eras: Sequence[JurisdictionEra] = JURISDICTION_ERAS,
) -> Refusal | None:
    """The first reason the registry must refuse this marriage, or None when it may register it;
    ``extra.parties`` names the party (or both) whose fact stops it.

    Checked in this order, from who the parties are to where they stand, so the clerk always
    gets the most basic fault first and the answer does not depend on the order of the parties:

    1. ``SAME_PERSON``: both identity numbers are the same;
    2. ``INVALID_PARTIES``: not one man and one woman (民法典 第1049条; sex from the number);
    3. ``DECEASED``: either party died on or before the registration date;
    4. ``UNDERAGE``: man under 22 or woman under 20 full years (第1047条);
    5. ``ALREADY_MARRIED``: either party has a spouse (last record a marriage still in effect);
    6. ``NOT_IN_JURISDICTION``: this registry may not register the couple on that date.
    """
    code = _first_fault(party_a, party_b, registry_division, registered_on, eras)
    if code is None:
        return None
    en, zh = REGISTRATION_REFUSALS[code]
    concerned = parties_concerned(code, party_a, party_b, registered_on)
    return refusal(code, en, zh, extra={"parties": list(concerned)})


def _first_fault(
    party_a: Party,
    party_b: Party,
    registry_division: str,
    registered_on: dt.date,
    eras: Sequence[JurisdictionEra],
) -> str | None:
    parties = (party_a, party_b)
    if party_a.id_number == party_b.id_number:
        return "SAME_PERSON"
    if {sex_of(party.id_number) for party in parties} != {"male", "female"}:
        return "INVALID_PARTIES"
    if any(is_dead_on(party, registered_on) for party in parties):
        return "DECEASED"
    if not all(has_legal_marriage_age(party.id_number, registered_on) for party in parties):
        return "UNDERAGE"
    if any(current_spouse(party.marital_records) is not None for party in parties):
        return "ALREADY_MARRIED"
    if not may_register_at(registry_division, parties, registered_on, eras):
        return "NOT_IN_JURISDICTION"
    return None


def parties_concerned(
    code: str, party_a: Party, party_b: Party, registered_on: dt.date
) -> tuple[Literal["party_a", "party_b"], ...]:
    """Which party a refusal is about, so the clerk is told whose fact stops the registration
    (both for the refusals about the couple: same person, not a man and a woman, jurisdiction)."""
    sides: tuple[tuple[Literal["party_a", "party_b"], Party], ...] = (
        ("party_a", party_a),
        ("party_b", party_b),
    )
    tests = {
        "DECEASED": lambda p: is_dead_on(p, registered_on),
        "UNDERAGE": lambda p: not has_legal_marriage_age(p.id_number, registered_on),
        "ALREADY_MARRIED": lambda p: current_spouse(p.marital_records) is not None,
    }
    test = tests.get(code)
    if test is None:
        return ("party_a", "party_b")
    return tuple(side for side, party in sides if test(party))
