"""The disability card number (残疾人证号): identity number + category digit + grade digit."""

from __future__ import annotations

from dataclasses import dataclass

from core.identity import InvalidIdNumber, normalize_id_number
from core.refusals import Refusal

CATEGORY_NAMES_ZH = {1: "视力", 2: "听力", 3: "言语", 4: "肢体", 5: "智力", 6: "精神", 7: "多重"}
GRADES = (1, 2, 3, 4)  # 1 is the most severe


@dataclass(frozen=True)
class DisabilityCard:
    number: str
    id_number: str
    category: int
    grade: int


def _mismatch(detail_zh: str, detail_en: str) -> Refusal:
    return Refusal("CARD_MISMATCH", detail_zh, detail_en)


def parse_card(card_no: str) -> DisabilityCard:
    """Split a 20-character card number; ``CARD_MISMATCH`` when it is not well formed."""
    number = card_no.strip().upper()
    if len(number) != 20:
        raise _mismatch("残疾人证号应为20位", "the card number must have 20 characters")
    try:
        id_number = normalize_id_number(number[:18])
    except InvalidIdNumber as exc:
        raise _mismatch("残疾人证号前18位不是有效身份证号", "no valid identity number") from exc
    category, grade = number[18], number[19]
    if category not in "1234567" or grade not in "1234":
        raise _mismatch("残疾类别应为1–7，等级应为1–4", "category must be 1-7 and grade 1-4")
    return DisabilityCard(number, id_number, int(category), int(grade))


def check_card(card_no: str, id_number: str, category: int, grade: int) -> DisabilityCard:
    """The card, when it agrees with the person's identity number and the stated category and grade.

    An invalid ``id_number`` raises ``core.identity.InvalidIdNumber`` (``INVALID_ID_NUMBER``);
    every disagreement raises a ``Refusal`` with ``CARD_MISMATCH``.
    """
    expected_id = normalize_id_number(id_number)
    card = parse_card(card_no)
    if card.id_number != expected_id:
        raise _mismatch("残疾人证号与身份证号不一致", "the card belongs to another identity number")
    if card.category != category:
        raise _mismatch("残疾类别与残疾人证不一致", "the category differs from the card")
    if card.grade != grade:
        raise _mismatch("残疾等级与残疾人证不一致", "the grade differs from the card")
    return card
