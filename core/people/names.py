"""Comparing a name someone typed with the name in the people registry (pure)."""

from __future__ import annotations

import unicodedata

_MIDDLE_DOTS = "·•・‧∙⋅.．"


def name_key(name: str) -> str:
    """A name as compared: Unicode NFKC, no white space, every middle dot the same, case-folded
    (names of minority nationalities are written with ``·``; foreign names in Latin letters)."""
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(ch for ch in text if not ch.isspace())
    for dot in _MIDDLE_DOTS:
        text = text.replace(dot, "·")
    return text.casefold()


def same_name(registered: str, typed: str) -> bool:
    """Whether ``typed`` is the registry's ``registered`` name, as a person would write it."""
    return bool(name_key(typed)) and name_key(registered) == name_key(typed)
