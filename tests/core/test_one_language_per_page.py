"""One language per page (issue 14 item 3): every page every role reaches, crawled in English and
in Chinese through the real app.

Each persona of the authorization world (tests/core/authz_world.py: anonymous, citizens, an
organization, a clerk, the reviewer, the admin) starts from the home page and follows every
same-site link it is shown (one page per path shape, bounded). Of each page the visible text is
read: text nodes outside ``<script>``/``<style>`` (and ``<title>``, which repeats the page's
header), and the ``title``, ``aria-label``,
``placeholder`` and ``alt`` attributes. Left out are the elements a template marks as data
(``translate="no"``: names, addresses, office and organization names, numbers, free text people
wrote) and those marked as another language (``lang``, e.g. the language switch).

- An English page fails on any Chinese character outside data.
- A Chinese page fails on a role or audit action key, or an English word of the catalogs'
  vocabulary (a word of some message id that no Chinese translation keeps, such as "booked"
  or "clerk"): a message shown without its translation.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest

from core.i18n import catalog_paths, has_chinese, read_catalog
from tests.core import authz_world as W
from tests.core.support import form_token

pytestmark = pytest.mark.db

# persona → a page only its role is linked to: the crawl got in as that role and went deep
PERSONAS = {
    "anonymous": "/login",
    "citizen_a": "/marriage/my/#",
    "citizen_unverified": "/activate",
    "org_a": "/orgs/portal/reports/#",
    "clerk_x": "/funeral/waivers/#",
    "reviewer": "/orgs/evaluations",
    "admin": "/admin/audit?page",
}
MAX_PAGES = 90  # a persona's page shapes; more means a link loop to look at
SKIPPED = ("/api/", "/static/", "/schema", "/testing")
DOWNLOADS = re.compile(r"\.(pdf|ics|csv|xlsx|png|svg|json)$|/(download|print|pdf)(/|$)")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr", "param"}
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*")


class VisibleText(HTMLParser):
    """The text a reader sees or hears, without the parts marked as data or another language."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._stack: list[bool] = []  # per open element: does it hide its content?

    def _hidden(self) -> bool:
        return any(self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        other_language = values.get("lang", self.lang).split("-")[0] not in ("", self.lang)
        hides = (
            # <title> can mark nothing as data; it repeats the page header, which is checked
            tag in ("script", "style", "template", "title")
            or values.get("translate") == "no"
            or other_language
        )
        if not self._hidden() and not hides:
            self.chunks += [values[a] for a in SHOWN_ATTRIBUTES if values.get(a)]
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.chunks.append(values.get("value", ""))
        if tag not in VOID:
            self._stack.append(hides)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.chunks.append(data.strip())


def shape(path: str) -> str:
    """``/orgs/51440704MJ0000011X/reports/2025?page=2`` → ``/orgs/#/reports/#?page``: one page
    per kind, not one per record."""
    parts = urlsplit(path)
    # a record's key has a digit, or is an upper-case code (an appointment's may have no digit)
    segments = [
        "#" if re.search(r"\d", s) or re.fullmatch(r"[A-Z]{6,}", s) else s
        for s in parts.path.split("/")
    ]
    keys = sorted({k for k, _ in parse_qsl(parts.query) if k != "lang"})
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def followable(href: str) -> str | None:
    """The same-site page a link leads to (without ``lang`` and fragment), or None."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIPPED) or DOWNLOADS.search(parts.path):
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "lang"])
    return parts.path + ("?" + query if query else "")


@dataclass
class Crawl:
    pages: dict[str, str] = field(default_factory=dict)
    """path shape → the first path of that shape visited."""
    findings: list[str] = field(default_factory=list)


@cache
def catalog_vocabulary() -> frozenset[str]:
    """Lower-case English words of the catalogs' message ids that no translation keeps."""
    english: set[str] = set()
    kept: set[str] = set()
    for path in catalog_paths("zh"):
        for msgid, text in read_catalog(path).items():
            english |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", msgid)}
            kept |= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}
    return frozenset(english - kept)


@cache
def registry_keys() -> frozenset[str]:
    """Role and audit action keys the host declares: never shown as such on a Chinese page."""
    from core.plugins import get_host

    host = get_host()
    roles = {role for p in host.permissions.values() for role in p.default_roles}
    return frozenset(roles | set(host.audit_event_types))


def untranslated(text: str, vocabulary: frozenset[str], keys: frozenset[str]) -> list[str]:
    found = []
    for word in WORD.findall(text):
        parts = re.split(r"[._-]", word.lower())
        if word.lower() in keys or any(p in vocabulary for p in parts):
            found.append(word)
    return found


def seeds(world: W.World, persona: str) -> list[str]:
    """Where a persona starts: the home page, and the pages a form, a QR code or a mistyped
    address leads to rather than a link (a search, a certificate's verification page, a record a
    clerk opens from the day's list, the error pages)."""
    parts = urlsplit(world.ids["registration_verify_url"])
    verify = f"{parts.path}?{parts.query}"
    staff = [f"/search?q={W.A}", f"/search?q={world.ids['registration_certificate']}"]
    extra = {
        "anonymous": [verify, "/admin", "/no-such-page"],
        "citizen_a": [verify, "/admin/users"],
        "clerk_x": [
            *staff,
            f"/marriage/workbench/registrations/{world.ids['registration']}",
            f"/marriage/workbench/divorce/{world.ids['divorce']}",
        ],
        "reviewer": [*staff, f"/disability/payroll/{W.MONTH}"],
        "admin": staff,
    }
    return ["/", *extra.get(persona, [])]


def page_findings(html: str, where: str, lang: str) -> tuple[list[str], list[str]]:
    """The page's findings and the links it shows."""
    parser = VisibleText(lang)
    parser.feed(html)
    findings = []
    for text in parser.chunks:
        if lang == "en" and has_chinese(text):
            findings.append(f"{where}: {text[:80]!r}")
        if lang == "zh" and (words := untranslated(text, catalog_vocabulary(), registry_keys())):
            findings.append(f"{where}: {words} in {text[:80]!r}")
    return findings, parser.links


async def crawl(
    client: httpx.AsyncClient, persona: str, lang: str, headers: dict, start: list[str]
) -> Crawl:
    result = Crawl()
    queue = deque(start)
    seen = {shape(path) for path in start}
    while queue:
        path = queue.popleft()
        r = await client.get(path, headers={**headers, "Accept": "text/html"})
        if r.status_code >= 500:
            result.findings.append(f"{persona} {lang} {path}: {r.status_code}")
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        result.pages[shape(path)] = path
        findings, links = page_findings(r.text, f"{persona} {lang} {path}", lang)
        result.findings += findings
        for href in links:
            target = followable(href)
            if target and shape(target) not in seen and len(seen) < MAX_PAGES:
                seen.add(shape(target))
                queue.append(target)
    return result


@pytest.fixture(scope="module")
async def world(app, database_url) -> W.World:
    """The authorization matrix's world, built once per engine for this module."""
    async with W.fresh_world(app, database_url, ("203.0.113.72", 40072)) as (w, _):
        return w


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("persona", PERSONAS)
async def test_every_page_speaks_one_language(app, world, persona, lang):
    transport = httpx.ASGITransport(app=app, client=("203.0.113.73", 40073))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", cookies={"mz_lang": lang}
    ) as client:
        result = await crawl(
            client, persona, lang, world.headers.get(persona, {}), seeds(world, persona)
        )
    assert PERSONAS[persona] in result.pages, sorted(result.pages)
    assert len(result.pages) < MAX_PAGES, sorted(result.pages)
    assert not result.findings, "\n".join(sorted(set(result.findings)))


def refused_forms(world: W.World) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """persona → forms filled in wrongly (a wrong check digit, blanks, garbage): the page that
    answers lists every problem, in the page's language, and saves nothing."""
    wrong = W.A[:-1] + ("0" if W.A[-1] != "0" else "1")  # a wrong check character
    return {
        "anonymous": [
            ("/signup", {"id_number": wrong, "name": "", "phone": "12", "password": "x"}),
            ("/login", {"username": "nobody", "password": "wrong-password"}),
        ],
        "citizen_a": [
            ("/disability/apply", {"id_number": wrong, "disability_card_no": "x", "phone": "1"}),
            (
                f"/marriage/slot/{world.ids['slots'][1]}",
                {"service": "marriage", "partner_id_number": wrong, "partner_name": ""},
            ),
        ],
        "clerk_x": [
            ("/funeral/intake", {"id_number": wrong, "died_on": "2030-01-01", "name": ""}),
            ("/orgs/registry", {"uscc": "123", "name": "", "registered_on": "someday"}),
            ("/marriage/workbench/register", {"a_id_number": wrong, "b_id_number": W.A}),
            ("/marriage/workbench/divorce", {"marriage_certificate_no": "J123"}),
        ],
        "admin": [
            ("/admin/users", {"username": "a", "password": "x", "roles": "clerk"}),
            ("/admin/calendar", {"year": "2027", "schedule": "not a schedule"}),
        ],
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_refused_forms_speak_the_pages_language(app, world, lang):
    transport = httpx.ASGITransport(app=app, client=("203.0.113.74", 40074))
    findings = []
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", cookies={"mz_lang": lang}
    ) as client:
        for persona, forms in refused_forms(world).items():
            headers = {**world.headers.get(persona, {}), "Accept": "text/html"}
            for path, data in forms:
                if persona == "anonymous":  # a browser's form carries the page's token
                    data = {**data, "_csrf": await form_token(client, path)}
                r = await client.post(path, data=data, headers=headers)
                # the form again with its problems (a refusal keeps its status: 404, 409, 422)
                assert r.status_code < 500, (path, r.status_code)
                assert r.headers["content-type"].startswith("text/html"), path
                findings += page_findings(r.text, f"{persona} {lang} POST {path}", lang)[0]
    assert not findings, "\n".join(sorted(set(findings)))
