"""The marriage service's indicators for the plan's dashboard (``minzheng_indicators``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.clock import today as clock_today
from core.contributions import Indicator
from plugins.marriage.rules import cross_province_share, may_register_at
from plugins.marriage.rules.indicators import monthly, monthly_share
from plugins.marriage.tables import Appointment, Office, Registration

OUT_OF_PROVINCE_HUKOU = "110105"  # a couple whose hukou is in another province (Beijing)


class _Couple:
    """A couple from another province with a residence permit in the registry's province."""

    def __init__(self, permit: str) -> None:
        self.hukou_division = OUT_OF_PROVINCE_HUKOU
        self.residence_permit_division = permit


async def _registrations(kind: str, year: int) -> list[dict[str, Any]]:
    return await Registration.select(Registration.registered_on, Registration.cross_province).where(
        (Registration.kind == kind)
        & (Registration.registered_on >= dt.date(year, 1, 1))
        & (Registration.registered_on <= dt.date(year, 12, 31))
    )


async def availability(year: int) -> float | None:
    """Share (%) of the offices where a couple with hukou in another province can register."""
    offices = await Office.select(Office.division_code)
    if not offices:
        return None
    day = min(await clock_today(), dt.date(year, 12, 31))
    open_to_them = sum(
        may_register_at(o["division_code"], [_Couple(o["division_code"])], day) for o in offices
    )
    return round(100 * open_to_them / len(offices), 1)


async def indicators(year: int) -> list[Indicator]:
    marriages = await _registrations("marriage", year)
    divorces = await _registrations("divorce", year)
    cross = sum(1 for row in marriages if row["cross_province"])
    share = cross_province_share(cross, len(marriages))
    bookings = await Appointment.select(Appointment.day).where(
        (Appointment.day >= dt.date(year, 1, 1))
        & (Appointment.day <= dt.date(year, 12, 31))
        & (Appointment.status != "cancelled")
    )
    return [
        Indicator(
            key="marriage.cross_province_availability",
            name="婚姻登记“跨省通办”实施率",
            name_en="Cross-province marriage registration available",
            unit="%",
            value=await availability(year),
            target=100,
            definition=(
                "规划指标“婚姻登记跨省通办”衡量的是服务是否可办，而非外省人占比："
                "本区婚姻登记处中，户籍在外省的当事人可以办理结婚登记的登记处所占比例"
                "（按当年年末或今天适用的管辖规则：2021-06-01 起持本省居住证可办，"
                "2025-05-10 起全国通办）。 / The plan's indicator is about availability: the "
                "share of the district's registries where a couple whose hukou is in another "
                "province can register (a residence permit here from 2021-06-01; anyone from "
                "2025-05-10), under the rule in force at the year's end or today."
            ),
            plugin="marriage",
            order=10,
        ),
        Indicator(
            key="marriage.cross_province_cases",
            name="婚姻登记跨省通办件数",
            name_en="Cross-province marriage registrations (cases)",
            unit="件",
            value=cross,
            comparison="none",
            definition=(
                "当年结婚登记中，双方户籍所在省均不是登记机关所在省的件数（跨省通办办件量，"
                "一方为本省户籍的不计入），逐月；与实施率并列报告，无目标值。 / Marriage "
                "registrations of the year where neither party's hukou province is the registry's "
                "(a couple with one local party is not counted), per month; reported beside the "
                "availability rate, no target."
            ),
            plugin="marriage",
            order=10,
            series=monthly([r["registered_on"] for r in marriages if r["cross_province"]], year),
        ),
        Indicator(
            key="marriage.cross_province_share",
            name="跨省婚姻登记占比",
            name_en="Cross-province share of marriage registrations",
            unit="%",
            value=None if share is None else round(100 * share, 1),
            comparison="none",
            definition=(
                "当年结婚登记中，双方户籍所在省均不是登记机关所在省的登记（跨省通办件）所占比例；"
                "仅供参考，无目标值。 / Marriage registrations of the year where neither party's "
                "hukou province is the registry's, as a share of all; no target."
            ),
            plugin="marriage",
            order=11,
            series=monthly_share(
                [r["registered_on"] for r in marriages if r["cross_province"]],
                [r["registered_on"] for r in marriages],
                year,
            ),
        ),
        Indicator(
            key="marriage.registrations",
            name="结婚登记数",
            name_en="Marriage registrations",
            unit="件",
            value=len(marriages),
            comparison="none",
            definition="当年办理的结婚登记件数（按登记日期，逐月）。 / Marriages registered in the "
            "year, by registration date, per month.",
            plugin="marriage",
            order=12,
            series=monthly([r["registered_on"] for r in marriages], year),
        ),
        Indicator(
            key="marriage.divorces",
            name="离婚登记数",
            name_en="Divorce registrations",
            unit="件",
            value=len(divorces),
            comparison="none",
            definition="当年办理的协议离婚登记件数（冷静期届满后双方到场登记），逐月。 / Divorces "
            "by agreement registered in the year, per month.",
            plugin="marriage",
            order=13,
            series=monthly([r["registered_on"] for r in divorces], year),
        ),
        Indicator(
            key="marriage.bookings",
            name="婚姻登记预约数",
            name_en="Marriage-registry bookings",
            unit="件",
            value=len(bookings),
            comparison="none",
            definition="当年各月预约时段内的网上预约数（不含已取消），含结婚、离婚、补领。 / "
            "Online bookings per month of their slot, cancellations excluded.",
            plugin="marriage",
            order=14,
            series=monthly([r["day"] for r in bookings], year),
        ),
    ]
