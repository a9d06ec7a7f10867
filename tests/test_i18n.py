"""The translation table: complete, unambiguous, Swedish number formats."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import i18n, model


def test_no_key_is_defined_twice() -> None:
    assert i18n.duplicated_keys() == {}


@pytest.mark.parametrize("key", sorted(i18n.TEXTS))
def test_every_text_has_both_languages(key: str) -> None:
    swedish, english = i18n.TEXTS[key]
    assert swedish.strip() and english.strip()


@pytest.mark.parametrize(
    "prefix, values",
    [
        ("category", model.NEED_CATEGORIES),
        ("sector", model.SECTORS),
        ("road_class", model.ROAD_CLASSES),
        ("locality_kind", model.LOCALITY_KINDS),
        ("site_kind", model.SITE_KINDS),
        ("registrant", model.REGISTRANT_TYPES),
        ("status", model.NEED_STATUSES),
        ("bundle", tuple(model.EVERYDAY_BUNDLE)),
        ("mode", ("car", "bike", "walk")),
    ],
)
def test_every_vocabulary_value_is_translated(prefix: str, values: tuple[str, ...]) -> None:
    missing = [v for v in values if f"{prefix}.{v}" not in i18n.TEXTS]
    assert missing == []


def test_unknown_key_is_visible_not_fatal() -> None:
    assert i18n.t("no.such.key") == "no.such.key"


@pytest.mark.parametrize(
    "value, decimals, lang, expected",
    [
        (0, 0, "sv", "0"),
        (1234567, 0, "sv", "1\u00a0234\u00a0567"),
        (-2.5, 1, "sv", "\u22122,5"),
        (-2.5, 1, "en", "-2.5"),
        (float("nan"), 0, "sv", "–"),
    ],
)
def test_number_format(value: float, decimals: int, lang: str, expected: str) -> None:
    assert i18n.fmt_number(value, decimals, lang) == expected


def test_date_format_is_iso() -> None:
    assert i18n.fmt_date(dt.datetime(2026, 6, 27, 9, 5, tzinfo=dt.UTC)) == "2026-06-27 11:05"
