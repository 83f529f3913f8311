"""Request bodies of the disability API (msgspec Structs: a wrong type is 400 BAD_REQUEST)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

SubsidyName = Literal["living", "nursing"]
Category = Annotated[int, Meta(ge=1, le=7)]
Grade = Annotated[int, Meta(ge=1, le=4)]
Note = Annotated[str, Meta(max_length=1000, pattern=r"^[^\x00]*$")]
Line = r"^[^\x00-\x1f]*$"  # one line of text: no control characters


class ApplicationIn(msgspec.Struct):
    id_number: str
    name: Annotated[str, Meta(min_length=1, max_length=64, pattern=Line)]
    disability_card_no: Annotated[str, Meta(max_length=40, pattern=Line)]
    category: Category
    grade: Grade
    subsidies: Annotated[list[SubsidyName], Meta(min_length=1, max_length=2)]
    hukou_division: str | None = None
    work_injury_nursing: bool = False
    orphan_support: bool = False
    phone: Annotated[str, Meta(max_length=32, pattern=Line)] = ""
    bank_account: Annotated[str, Meta(max_length=40, pattern=Line)] = ""


class StreetReviewIn(msgspec.Struct):
    approve: bool
    note: Note = ""


class DecisionIn(msgspec.Struct):
    note: Note = ""


class StandardIn(msgspec.Struct):
    living_monthly_fen: int
    nursing_monthly_fen: int
    year: int | None = None


class PolicyIn(msgspec.Struct):
    living_for_low_income: bool = False
    nursing_for_grades_3_4_intellectual_mental: bool = False


class StopIn(msgspec.Struct):
    reason: str
    note: Note = ""
    effective_on: dt.date | None = None
    subsidies: list[SubsidyName] | None = None


class GradeIn(msgspec.Struct):
    grade: Grade
    category: Category | None = None
    disability_card_no: Annotated[str, Meta(max_length=40)] | None = None
    assessed_on: dt.date | None = None
    note: Note = ""


class ReviewIn(msgspec.Struct):
    note: Note = ""
