"""An appointment as an iCalendar file (RFC 5545): one event, times in UTC, lines folded."""

from __future__ import annotations

import datetime as dt

from plugins.marriage.rules import CHINA_TIME


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(day: dt.date, time: dt.time) -> str:
    return (
        dt.datetime.combine(day, time, tzinfo=CHINA_TIME)
        .astimezone(dt.UTC)
        .strftime("%Y%m%dT%H%M%SZ")
    )


def appointment_ics(
    *,
    code: str,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    summary: str,
    location: str,
    description: str,
    stamp: dt.datetime,
) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Jianghai District Civil Affairs Bureau//Minzheng//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{code}@minzheng.marriage",
        f"DTSTAMP:{stamp.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART:{_utc(day, start)}",
        f"DTEND:{_utc(day, end)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT2H",
        f"DESCRIPTION:{_escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
