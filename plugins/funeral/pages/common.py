"""What the funeral pages share: labels in the page's language and the redirect after a form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from plugins.funeral.rules import CATEGORY_NAMES_ZH, EXCLUDABLE_NAMES_EN, EXCLUDABLE_NAMES_ZH

CATEGORY_NAMES_EN = {
    "tekun": "Extremely poor (tekun)",
    "dibao": "Subsistence allowance (dibao)",
    "low_income": "Low-income family",
    "youfu": "Entitled veterans (youfu)",
    "unidentified": "Unidentified body (police certified)",
    "local_resident": "Local resident",
}
ITEM_NAMES_EN = {
    "transport": "Body transport",
    "disinfection": "Body disinfection",
    "storage": "Body storage",
    "farewell": "Farewell hall",
    "cremation": "Cremation",
    "ash_storage": "Ash storage",
    "urn": "Urn",
}


def category_label(code: str | None, lang: str) -> str:
    if not code:
        return "—"
    if lang == "zh":
        names = {**CATEGORY_NAMES_ZH, **EXCLUDABLE_NAMES_ZH}
    else:
        names = {**CATEGORY_NAMES_EN, **EXCLUDABLE_NAMES_EN}
    return names.get(code, code)


def item_label(code: str, name: str, lang: str) -> str:
    """The policy's own (Chinese) name; in English the known services' English names."""
    return name if lang == "zh" else ITEM_NAMES_EN.get(code, name)


def yuan_text(fen: int) -> str:
    """An amount as a form shows it back: ``480`` or ``480.5``."""
    text = f"{fen // 100}.{fen % 100:02d}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fen_from_yuan(text: str) -> int:
    """Yuan as typed (``480``, ``480.50``, ``1,200``) to fen; ValueError if it is no amount."""
    try:
        amount = Decimal(text.replace(",", "").replace("，", ""))
        whole_fen = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
    except InvalidOperation:  # not a number, or too large to have fen
        raise ValueError(text) from None
    if not whole_fen or amount < 0:
        raise ValueError(text)
    return int(amount * 100)
