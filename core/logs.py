"""Loggers that never write a full resident identity number (API.md: personal data is masked).

A request path, an exception message or a traceback can carry a number a caller sent; the filter
masks every 18-character number pattern in the formatted record before any handler sees it.
"""

from __future__ import annotations

import logging
import re

from core.identity import mask_id_number

# 17 digits and a digit or X, not inside a longer run of digits.
ID_NUMBER_PATTERN = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")


def mask_id_numbers_in(text: str) -> str:
    """``text`` with every identity-number-shaped substring masked (``440704********123X``)."""
    return ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m.group(0).upper()), text)


class MaskIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_id_numbers_in(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_id_numbers_in(record.exc_text)
        return True


def get_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with identity numbers masked in everything it writes."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, MaskIdNumbers) for f in logger.filters):
        logger.addFilter(MaskIdNumbers())
    return logger
