"""One translation table for the whole UI, Swedish first, English on a switch.

Texts live in small per-area modules (``common``, ``maps``, ...), each exposing ``TEXTS``: a dict
from key to ``(swedish, english)``.  They are merged here; a key defined twice is an error at
test time (``tests/test_i18n.py``).  Numbers and dates are formatted the Swedish way by
:func:`fmt_number` and :func:`fmt_date`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import zoneinfo
from typing import Final

LANGUAGES: Final = ("sv", "en")
_STOCKHOLM: Final = zoneinfo.ZoneInfo("Europe/Stockholm")
_MODULES: Final = (
    "common",
    "categories",
    "maps",
    "engine",
    "needs",
    "scenarios",
    "views",
    "effect",
)


def _load() -> tuple[dict[str, tuple[str, str]], dict[str, list[str]]]:
    merged: dict[str, tuple[str, str]] = {}
    owners: dict[str, list[str]] = {}
    for module_name in _MODULES:
        try:
            module = importlib.import_module(f"analysis.i18n.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"analysis.i18n.{module_name}":
                raise
            continue
        for key, value in module.TEXTS.items():
            owners.setdefault(key, []).append(module_name)
            merged[key] = value
    return merged, owners


TEXTS, _OWNERS = _load()


def duplicated_keys() -> dict[str, list[str]]:
    """Return keys defined in more than one module (should be empty)."""
    return {key: mods for key, mods in _OWNERS.items() if len(mods) > 1}


def t(key: str, lang: str = "sv", **values: object) -> str:
    """Return the text for ``key`` in ``lang``, with ``{name}`` placeholders filled in.

    An unknown key returns the key itself, so a missing translation is visible, not fatal.

    Examples
    --------
    >>> t("app.title")
    'Servicekartan'
    """
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "sv" else pair[1]
    return text.format(**values) if values else text


def fmt_number(value: float | int | None, decimals: int = 0, lang: str = "sv") -> str:
    """Format a number: Swedish uses a space between thousands and a decimal comma.

    Examples
    --------
    >>> fmt_number(18234.5, 1)
    '18\\xa0234,5'
    >>> fmt_number(18234.5, 1, lang="en")
    '18,234.5'
    >>> fmt_number(None)
    '–'
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")
    return text


def fmt_sek(value: float | None, lang: str = "sv", signed: bool = False) -> str:
    """Format an amount in Swedish kronor (``"1 250 000 kr"``, English ``"SEK 1,250,000"``).

    ``signed`` shows a plus on increases, for changes of cost.

    Examples
    --------
    >>> fmt_sek(1680000, signed=True)
    '+1\xa0680\xa0000 kr'
    >>> fmt_sek(-75000, lang="en")
    'SEK -75,000'
    """
    sign = "+" if signed and value is not None and value > 0 else ""
    return sign + t("maps.unit.sek", lang, value=fmt_number(value, 0, lang))


def fmt_percent(share: float | None, decimals: int = 0, lang: str = "sv") -> str:
    """Format a share in [0, 1] as a percentage, e.g. ``'42 %'`` in Swedish.

    Examples
    --------
    >>> fmt_percent(0.4251, 1)
    '42,5\\xa0%'
    """
    if share is None or (isinstance(share, float) and not math.isfinite(share)):
        return "–"
    number = fmt_number(share * 100, decimals, lang)
    return f"{number}\u00a0%" if lang == "sv" else f"{number}%"


def fmt_minutes(minutes: float | None, lang: str = "sv") -> str:
    """Format a travel time in minutes, e.g. ``'12 min'``; unreachable is ``'ej nåbar'``.

    Examples
    --------
    >>> fmt_minutes(12.4)
    '12\\xa0min'
    >>> fmt_minutes(float("inf"))
    'ej nåbar'
    """
    if minutes is None or not math.isfinite(minutes):
        return t("common.unreachable", lang)
    return f"{fmt_number(minutes, 0, lang)}\u00a0min"


def fmt_date(value: dt.date | dt.datetime) -> str:
    """Format a date or time the ISO 8601 way that Swedish convention uses.

    Times are shown in Swedish local time; a naive datetime is taken to be UTC (the store keeps
    UTC).  Swedish and English pages show the same form, which is unambiguous in both.

    Examples
    --------
    >>> fmt_date(dt.date(2026, 11, 27))
    '2026-11-27'
    >>> fmt_date(dt.datetime(2026, 11, 27, 8, 5))  # 08:05 UTC is 09:05 in Stockholm in winter
    '2026-11-27 09:05'
    """
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(_STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()
