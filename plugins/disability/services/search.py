"""Results for the clerk's global search box: applications by identity number or name."""

from __future__ import annotations

from core.auth.identity import CurrentUser
from core.contributions import Phrase, SearchResult
from core.identity import InvalidIdNumber, mask_id_number, mask_name, normalize_id_number
from plugins.disability.tables import Application

LIMIT = 10
STATUS_ZH = {
    "submitted": "待街道审核",
    "street_approved": "待区级审批",
    "approved": "发放中",
    "stopped": "已停发",
    "rejected": "未通过",
}
# How pages show them: message ids of the disability catalog (the pages' own wording).
STATUS_PHRASES = {
    "submitted": Phrase("Awaiting street review"),
    "street_approved": Phrase("Awaiting district approval"),
    "approved": Phrase("Being paid"),
    "stopped": Phrase("Stopped"),
    "rejected": Phrase("Not approved"),
}


async def search_applications(query: str, user: CurrentUser) -> list[SearchResult]:
    if not user.is_staff or not user.has("disability.application.read") or "\x00" in query:
        return []
    try:
        clause = Application.id_number == normalize_id_number(query)
    except InvalidIdNumber:
        if query.isdigit() and len(query) <= 9:
            clause = Application.id == int(query)
        elif len(query) >= 2:
            clause = Application.name.like(f"%{query}%")
        else:
            return []
    rows = await (
        Application.select(
            Application.id, Application.id_number, Application.name, Application.status
        )
        .where(clause)
        .order_by(Application.id, ascending=False)
        .limit(LIMIT)
    )
    return [
        SearchResult(
            kind="disability_application",
            title=f"两项补贴申请 #{r['id']} {mask_name(r['name'])}",
            subtitle=(
                f"{mask_id_number(r['id_number'])} · {STATUS_ZH.get(r['status'], r['status'])}"
            ),
            href=f"/disability/applications/{r['id']}",
            plugin="disability",
            order=30,
            phrase=(
                Phrase(
                    "Application %(n)s · %(name)s", {"n": r["id"], "name": mask_name(r["name"])}
                ),
                Phrase(
                    "%(number)s · %(status)s",
                    {
                        "number": mask_id_number(r["id_number"]),
                        "status": STATUS_PHRASES.get(r["status"], r["status"]),
                    },
                ),
            ),
        )
        for r in rows
    ]
