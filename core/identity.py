"""Resident identity numbers (居民身份证号码, GB 11643-1999).

Validation uses ``python-stdnum``; this module adds what the services need from a number
(sex, birth date, age on the day of an act) and how it is shown in lists (masked).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from stdnum.cn import ric

Sex = Literal["male", "female"]
ID_NUMBER_CHARACTERS = re.compile(r"^[1-9][0-9]{16}[0-9X]$")


# Why a number is refused, in our own words (never a library's English on a Chinese page).
ID_NUMBER_PROBLEMS: dict[str, tuple[str, str]] = {
    "type": ("身份证号码应为文字", "the identity number must be text"),
    "length": ("身份证号码应为18位", "the identity number must have 18 characters"),
    "characters": (
        "身份证号码应为17位数字加最后一位数字或X",
        "17 digits and a last digit or X",
    ),
    "birth_date": ("身份证号码中的出生日期不存在", "the birth date in the number does not exist"),
    "born_before_1900": (
        "身份证号码中的出生日期早于1900年1月1日",
        "the birth date in the number is before 1900-01-01",
    ),
    "born_after_act": (
        "身份证号码中的出生日期晚于办理日期",
        "the birth date in the number is after the day of the act",
    ),
    "check_character": (
        "身份证号码校验位不正确，请逐位核对",
        "the check character is wrong: check every digit",
    ),
}


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-character resident identity number; ``reason`` is a key of
    ``ID_NUMBER_PROBLEMS``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(ID_NUMBER_PROBLEMS[reason][1])

    @property
    def detail(self) -> str:
        """``中文 / English`` text of the refusal (``core.i18n.bilingual`` picks a half)."""
        chinese, english = ID_NUMBER_PROBLEMS[self.reason]
        return f"{chinese} / Invalid identity number: {english}"


EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def normalize_id_number(value: object, on: dt.date | None = None) -> str:
    """Return the canonical (upper-case, 18-character) number or raise ``InvalidIdNumber``.

    Checked: length, digits, birth date and check character (DOMAIN.md); a birth date before
    1900-01-01, or after ``on`` (the day of the act: sign-up, booking, registration, application,
    roster import) is not a real person's. Not checked: whether
    the address code existed in the birth year, which ``ric.validate`` also demands. The code is
    where the number was first issued, often years after birth: everyone born before 1994 who
    was given an 18-digit number in Jianghai carries 440704, a code created in 1994.
    """
    if not isinstance(value, str):
        raise InvalidIdNumber("type")
    text = value.strip().upper()
    if len(text) != 18:
        raise InvalidIdNumber("length")
    if not ID_NUMBER_CHARACTERS.match(text):
        raise InvalidIdNumber("characters")
    try:  # the digits are checked above; stdnum's get_birth_date re-cleans the text (8× slower)
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber("birth_date") from exc
    if born < EARLIEST_BIRTH_DATE:
        raise InvalidIdNumber("born_before_1900")
    if on is not None and born > on:
        raise InvalidIdNumber("born_after_act")
    if ric.calc_check_digit(text) != text[-1]:
        raise InvalidIdNumber("check_character")
    return text


def is_valid_id_number(value: object, on: dt.date | None = None) -> bool:
    try:
        normalize_id_number(value, on)
    except InvalidIdNumber:
        return False
    return True


def birth_date_of(id_number: str) -> dt.date:
    return ric.get_birth_date(id_number)


def sex_of(id_number: str) -> Sex:
    """Odd sequence digit (17th character) is male, even is female."""
    return "male" if int(id_number[16]) % 2 == 1 else "female"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in full years on ``day`` (a birthday counts on the day itself; 29 Feb → 1 Mar)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def mask_id_number(id_number: str) -> str:
    """``440704********123X``: the address code and the last four characters stay visible."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str) -> str:
    """``张*明`` for three characters, ``张*`` for two: the surname and (if any) last character."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
