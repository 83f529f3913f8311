"""Results for the clerk's global search box: certificates, people's marital status, bookings."""

from __future__ import annotations

from core.auth.identity import CurrentUser
from core.contributions import Phrase, SearchResult
from core.identity import InvalidIdNumber, mask_id_number, mask_name, normalize_id_number
from plugins.marriage.rules import InvalidCertificateNo, marital_status, parse_certificate_no
from plugins.marriage.services.records import person_name, records_of
from plugins.marriage.services.reissue import issuing_office
from plugins.marriage.services.scope import in_office_scope
from plugins.marriage.tables import Appointment, Registration, Reissue

STATUS_LABELS = {"unmarried": "未婚", "married": "已婚", "divorced": "离婚", "widowed": "丧偶"}
KIND_LABELS = {"marriage": "结婚登记", "divorce": "离婚登记"}
# How pages show them: message ids of the marriage catalog (the pages' own wording).
STATUS_PHRASES = {
    "unmarried": Phrase("Unmarried"),
    "married": Phrase("Married"),
    "divorced": Phrase("Divorced"),
    "widowed": Phrase("Widowed"),
}
KIND_PHRASES = {
    "marriage": Phrase("Marriage registration"),
    "divorce": Phrase("Divorce registration"),
}
APPOINTMENT_PHRASES = {
    "booked": Phrase("Booked"),
    "checked_in": Phrase("Checked in"),
    "completed": Phrase("Completed"),
    "cancelled": Phrase("Cancelled"),
    "no_show": Phrase("No-show"),
}


async def search(query: str, user: CurrentUser) -> list[SearchResult]:
    if not user.has("marriage.status.read"):
        return []
    results: list[SearchResult] = []
    try:
        number = str(parse_certificate_no(query))
    except InvalidCertificateNo:
        number = None
    if number:
        row = await Registration.select().where(Registration.certificate_no == number).first()
        if row is None:
            reissue = await Reissue.select().where(Reissue.new_no == number).first()
            if reissue:
                row = (
                    await Registration.select()
                    .where(Registration.id == reissue["registration_id"])
                    .first()
                )
        if row is not None and in_office_scope(user, await issuing_office(number)):
            results.append(
                SearchResult(
                    kind="certificate",
                    title=number,
                    subtitle=(
                        f"{KIND_LABELS[row['kind']]} {row['registered_on']} · "
                        f"{mask_name(row['party_a_name'])}、{mask_name(row['party_b_name'])}"
                    ),
                    href=f"/api/v1/marriage/certificates/{number}/pdf",
                    plugin="marriage",
                    order=10,
                    phrase=(
                        Phrase("%(number)s", {"number": number}),
                        Phrase(
                            "%(kind)s %(day)s · %(parties)s",
                            {
                                "kind": KIND_PHRASES[row["kind"]],
                                "day": row["registered_on"],
                                "parties": [
                                    mask_name(row["party_a_name"]),
                                    mask_name(row["party_b_name"]),
                                ],
                            },
                        ),
                    ),
                )
            )
    try:
        id_number = normalize_id_number(query)
    except InvalidIdNumber:
        id_number = None
    if id_number:
        status = marital_status(await records_of(id_number))
        name = await person_name(id_number)
        results.append(
            SearchResult(
                kind="marital_status",
                title=f"{mask_name(name) if name else ''} {mask_id_number(id_number)}".strip(),
                subtitle=f"婚姻状况：{STATUS_LABELS[status]}",
                href=f"/marriage/workbench/status?q={id_number}",
                plugin="marriage",
                order=11,
                phrase=(
                    Phrase(
                        "%(name)s %(number)s",
                        {
                            "name": mask_name(name) if name else "",
                            "number": mask_id_number(id_number),
                        },
                    ),
                    Phrase("Marital status: %(status)s", {"status": STATUS_PHRASES[status]}),
                ),
            )
        )
    code = query.strip().upper()
    if len(code) == 10 and code.isalnum():
        row = await Appointment.select().where(Appointment.code == code).first()
        if row is not None and in_office_scope(user, row["office_code"]):
            results.append(
                SearchResult(
                    kind="appointment",
                    title=f"预约 {code}",
                    subtitle=(
                        f"{row['office_code']} {row['day']} {row['start_time']} · "
                        f"{mask_name(row['booker_name'])} · {row['status']}"
                    ),
                    href=f"/marriage/workbench/register?appointment={code}",
                    plugin="marriage",
                    phrase=(
                        Phrase("Booking %(code)s", {"code": code}),
                        Phrase(
                            "%(office)s %(day)s %(time)s · %(booker)s · %(status)s",
                            {
                                "office": row["office_code"],
                                "day": row["day"],
                                "time": row["start_time"],
                                "booker": mask_name(row["booker_name"]),
                                "status": APPOINTMENT_PHRASES.get(row["status"], row["status"]),
                            },
                        ),
                    ),
                    order=12,
                )
            )
    return results
