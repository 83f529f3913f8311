"""HTML forms on pages: reading them, and turning a refusal into a message next to its field."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace

from litestar import Request, Response

from core.i18n import gettext_for
from core.refusals import Refusal

FORM_LEVEL = ""  # key of an error that belongs to no single field


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Form:
    values: dict[str, str]
    lists: dict[str, list[str]]

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default).strip()

    def raw(self, name: str) -> str:
        """Unstripped (passwords keep their spaces)."""
        return self.values.get(name, "")

    def getall(self, name: str) -> list[str]:
        return self.lists.get(name, [])


async def read_form(request: Request) -> Form:
    """The posted fields; a body that is no form reads as an empty one (the page then says what
    is missing instead of answering 400)."""
    try:
        data = await request.form()
    except Exception:  # any undecodable body is simply an empty form
        return Form({}, {})
    values: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for key, value in data.multi_items():
        if isinstance(value, str):
            values.setdefault(key, value)
            lists.setdefault(key, []).append(value)
    return Form(values, lists)


def field_errors(
    exc: Refusal,
    by_code: Mapping[str, tuple[str, str]],
    lang: str,
    fields: Collection[str] = (),
) -> dict[str, str]:
    """``{field: message}`` for a refusal: a known code goes next to its field with our own
    wording; a refusal naming one of the form's ``fields`` (``extra["field"]``, as the API
    tells its clients) goes next to that field in its own words; any other is shown above the
    form, all in the page's language."""
    if exc.code in by_code:
        field, message = by_code[exc.code]
        return {field: gettext_for(lang)(message)}
    named = exc.extra.get("field") if isinstance(exc.extra, dict) else None
    if named in fields:
        return {named: exc.text_in(lang)}
    return {FORM_LEVEL: exc.text_in(lang)}


def safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our name."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and not any(ch in target for ch in "\r\n\t")
    ):
        return target
    return "/"


@dataclass(frozen=True)
class Confirmation:
    """The second step of an action that pays money, records a verdict or cannot be undone.

    The first POST (without ``confirmed=yes``) is checked in full; when nothing is wrong the page
    shows what is about to happen and posts the same ``fields`` again with ``confirmed=yes``.
    ``title``, ``question``, ``warning``, ``button`` and the facts' labels are message ids
    (``N_``): ``confirmation_page`` shows them in the page's language, ``params`` filled into
    their ``%(name)s``. The facts' values are shown as given.
    """

    title: str
    question: str
    back: str
    fields: tuple[tuple[str, str], ...]
    facts: tuple[tuple[str, str], ...] = ()
    warning: str = ""
    button: str = ""
    kind: str = "primary"
    params: Mapping[str, object] | None = None
    action: str = ""
    """Where the step posts: the address that asked (the same handler), unless said."""


# Route ``opt`` key of a page action that pays money, records a verdict or cannot be undone: its
# handler answers a POST without ``confirmed=yes`` with the confirmation step and does nothing.
# tests/core/test_form_pattern.py reads it to hold every such form to the pattern.
CONFIRM = "confirm"


def confirmed(form: Form) -> bool:
    """Whether this POST is the confirmation step's (the person has seen what will happen)."""
    return form.get("confirmed") == "yes"


def reposted(form: Form, *names: str) -> tuple[tuple[str, str], ...]:
    """The posted fields (all, or only ``names``) for the confirmation step to post again."""
    skip = ("_csrf", "confirmed")
    return tuple(
        (name, value)
        for name, values in form.lists.items()
        if name not in skip and (not names or name in names)
        for value in values
    )


async def confirmation_page(request: Request, confirm: Confirmation) -> Response:
    """The confirmation step as a page of its own (``templates/confirm.html``), its texts in
    the page's language."""
    # the page renderer imports this module's peers
    from core.web.rendering import render_page, request_language

    say = gettext_for(request_language(request))

    def text(message: str) -> str:
        return say(message) if message else ""  # gettext("") is the catalog's header

    def shown(message: str) -> str:
        return text(message) % confirm.params if confirm.params else text(message)

    page = replace(
        confirm,
        title=shown(confirm.title),
        question=shown(confirm.question),
        warning=shown(confirm.warning),
        button=shown(confirm.button),
        action=confirm.action or request.url.path,
        facts=tuple((text(label), value) for label, value in confirm.facts),
    )
    return await render_page(request, "confirm.html", {"confirm": page})


# What is wrong with a typed identity number, in the words shown next to the field.
ID_NUMBER_MESSAGES = {
    "blank": N_("Enter the identity number."),
    "type": N_("Enter the identity number."),
    "length": N_("An identity number has 18 characters; this one has %(length)s."),
    "characters": N_("An identity number is 17 digits and a last digit or X."),
    "birth_date": N_("The birth date in this identity number does not exist: check the digits."),
    "check_character": N_(
        "The last character (the check character) does not fit the other 17: check every digit."
    ),
}


def id_number_problem(value: str, lang: str) -> str:
    """The message for a typed identity number in ``lang``, ``""`` when it is valid."""
    from core.identity import InvalidIdNumber, normalize_id_number

    if not value.strip():
        return gettext_for(lang)(ID_NUMBER_MESSAGES["blank"])
    try:
        normalize_id_number(value)
    except InvalidIdNumber as exc:
        message = gettext_for(lang)(ID_NUMBER_MESSAGES[exc.reason])
        return message % {"length": len(value.strip())} if "%(length)s" in message else message
    return ""
