"""What the funeral API's handlers share: tags, permissions, the acting clerk, downloads."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Request, Response

from core.auth.guards import require_user
from plugins.funeral.services.deciding import Actor

TAGS = ["funeral"]
CREATE = {"permission": "funeral.waiver.create"}
READ = {"permission": "funeral.waiver.read"}
AMEND = {"permission": "funeral.waiver.amend"}
SETTLE_READ = {"permission": "funeral.settlement.read"}
SETTLE_CONFIRM = {"permission": "funeral.settlement.confirm"}
# Downloads name their media type on the route too, so the OpenAPI schema says what they are.
CSV = "text/csv"
PDF = "application/pdf"


def actor_of(request: Request) -> Actor:
    user = require_user(request)
    return Actor(user.username, user.office_code)


def download(content: bytes, media_type: str, filename: str, ascii_name: str) -> Response[bytes]:
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
