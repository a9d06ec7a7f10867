"""Headline figures in words: what the scenario page, the council view and the brief show.

:func:`analysis.effect.headlines` chooses the figures as numbers; this module turns each into a
label, a value, before → after, a direction in words (bättre / sämre / oförändrat) and a
plain-language caption, and sums the effect up in one sentence.  One formatting for every view,
so the web page, the projector and the PDF say the same thing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from analysis.effect import Headline
from analysis.i18n import fmt_minutes, fmt_number, fmt_sek, t

#: Direction -> (Streamlit delta colour, arrow).  Colour is never the only cue: the word is
#: always shown beside it.
DIRECTION_STYLE: Final[dict[str, tuple[str, str]]] = {
    "better": ("green", "up"),
    "worse": ("red", "up"),
    "same": ("gray", "off"),
}


@dataclass(frozen=True)
class KeyFigure:
    """One key figure, formatted for display.

    Attributes
    ----------
    label
        What the figure counts (plain language).
    before, after
        Today's value and the scenario's; ``before`` is empty for a figure that is a change
        in itself (residents gaining, a cost change), whose value is ``after``.
    caption
        One or two sentences: definition and the numbers behind the figure.
    direction
        ``"better"``, ``"worse"`` or ``"same"``.
    direction_text
        The direction in words, in the page's language.
    """

    label: str
    before: str
    after: str
    caption: str = ""
    direction: str = "same"
    direction_text: str = ""


def _count(value: float, lang: str) -> str:
    return fmt_number(value, 0, lang)


def _minutes(value: float | None, lang: str) -> str:
    return fmt_minutes(value if value is not None and math.isfinite(value) else None, lang)


def need_name(need: str | None, lang: str) -> str:
    """Return a need's name as used inside a sentence (``'dagligvaror'``)."""
    return t(f"need.{need}.phrase", lang)


def _locality(locality: str | None, names: Mapping[str, str], lang: str) -> str:
    if locality is None:
        return ""
    if locality == "glesbygd":
        return t("headline.rural_area", lang)
    return names.get(locality, locality)


def _direction_text(headline: Headline, lang: str) -> str:
    if headline.kind == "cost":
        return t(f"headline.cost_{headline.direction}", lang)
    return t(f"headline.{headline.direction}", lang)


def key_figure(
    headline: Headline,
    lang: str = "sv",
    locality_names: Mapping[str, str] | None = None,
    category_names: Mapping[str, str] | None = None,
) -> KeyFigure:
    """Return ``headline`` as a :class:`KeyFigure` in ``lang``.

    Examples
    --------
    >>> figure = key_figure(Headline("slower", "same", 0.0))
    >>> figure.after, figure.direction_text
    ('0', 'oförändrat')
    """
    names = locality_names or {}
    categories = category_names or {}
    d = headline.details
    place = _locality(headline.locality, names, lang)
    need = need_name(headline.need, lang)
    minutes = fmt_number(headline.threshold_min, 0, lang)
    direction = _direction_text(headline, lang)
    if headline.kind in ("locality_gain", "locality_loss"):
        # The figure is the residents who cross the threshold: the locality's totals within
        # it (before -> after) are in the caption, so the large number is the change.
        key = headline.kind
        return KeyFigure(
            t(f"headline.{key}.label", lang, need=need, minutes=minutes, locality=place),
            "",
            _count(headline.value, lang),
            t(
                f"headline.{key}.caption",
                lang,
                within_before=_count(headline.before or 0.0, lang),
                within_after=_count(headline.after or 0.0, lang),
                residents=_count(d.get("residents_in_locality", 0.0), lang),
                minutes=minutes,
                before=_minutes(d.get("minutes_before"), lang),
                after=_minutes(d.get("minutes_after"), lang),
                total=_count(d.get("municipality_count", 0.0), lang),
            ),
            headline.direction,
            direction,
        )
    if headline.kind == "locality_faster":
        return KeyFigure(
            t("headline.locality_faster.label", lang, need=need, locality=place),
            "",
            _count(headline.value, lang),
            t(
                "headline.locality_faster.caption",
                lang,
                before=_minutes(headline.before, lang),
                after=_minutes(headline.after, lang),
            ),
            headline.direction,
            direction,
        )
    if headline.kind == "gaining":
        where = ", ".join(
            t(
                "headline.gaining.where",
                lang,
                locality=_locality(locality, names, lang),
                count=_count(count, lang),
                need=need_name(need, lang),
                minutes=fmt_number(saved, 1, lang),
            )
            if need is not None and math.isfinite(saved)
            else f"{_locality(locality, names, lang)} ({_count(count, lang)})"
            for locality, count, need, saved in d.get("localities", [])
        )
        needs = ", ".join(need_name(n, lang) for n in d.get("needs", []))
        return KeyFigure(
            t("headline.gaining.label", lang),
            "",
            _count(headline.value, lang),
            t("headline.gaining.caption", lang, where=where or "–", needs=needs or "–"),
            headline.direction,
            direction,
        )
    if headline.kind == "needs_met":
        return KeyFigure(
            t("headline.needs_met.label", lang, minutes=minutes),
            "",
            _count(headline.value, lang),
            t("headline.needs_met.caption", lang, minutes=minutes),
            headline.direction,
            direction,
        )
    if headline.kind == "slower":
        which = ", ".join(
            f"{categories.get(category, category).lower()} ({_count(count, lang)})"
            for category, count in d.get("categories", [])
        )
        caption = (
            t("headline.slower.caption", lang, which=which)
            if headline.value > 0
            else t("headline.slower.none", lang)
        )
        return KeyFigure(
            t("headline.slower.label", lang),
            "",
            _count(headline.value, lang),
            caption,
            headline.direction,
            direction,
        )
    if headline.kind == "cost":
        per_resident = d.get("per_resident_gaining_sek")
        return KeyFigure(
            t("headline.cost.label", lang),
            "",
            fmt_sek(headline.value, lang, signed=True),
            t(
                "headline.cost.caption",
                lang,
                municipality=fmt_sek(d.get("municipality_sek", 0.0), lang, signed=True),
                per_resident=(
                    fmt_sek(per_resident, lang, signed=True) if per_resident is not None else "–"
                ),
            ),
            headline.direction,
            direction,
        )
    raise ValueError(f"Unknown headline kind {headline.kind!r}.")


def key_figures(
    headlines: Sequence[Headline],
    lang: str = "sv",
    locality_names: Mapping[str, str] | None = None,
    category_names: Mapping[str, str] | None = None,
) -> list[KeyFigure]:
    """Return every headline as a :class:`KeyFigure` (see :func:`key_figure`)."""
    return [key_figure(h, lang, locality_names, category_names) for h in headlines]


def summary_sentence(
    headlines: Sequence[Headline], lang: str = "sv", locality_names: Mapping[str, str] | None = None
) -> str:
    """Return one plain sentence (two at most) that sums the effect up.

    Examples
    --------
    >>> summary_sentence([Headline("slower", "same", 0.0), Headline("cost", "same", 0.0)])
    'Förslaget ger ingen kortare restid. Ingen får längre restid. Kostnaden är oförändrad.'
    """
    names = locality_names or {}
    by_kind = {h.kind: h for h in headlines}
    parts: list[str] = []
    story = by_kind.get("locality_gain") or by_kind.get("locality_faster")
    gaining = by_kind.get("gaining")
    if gaining is not None and story is not None and story.kind == "locality_gain":
        parts.append(
            t(
                "headline.sentence.gain",
                lang,
                count=_count(gaining.value, lang),
                local=_count(story.value, lang),
                locality=_locality(story.locality, names, lang),
                need=need_name(story.need, lang),
                minutes=fmt_number(story.threshold_min, 0, lang),
                before=_minutes(story.details.get("minutes_before"), lang),
            )
        )
    elif gaining is not None:
        parts.append(t("headline.sentence.gain_only", lang, count=_count(gaining.value, lang)))
    else:
        parts.append(t("headline.sentence.no_gain", lang))
    slower = by_kind.get("slower")
    if slower is not None:
        parts.append(
            t("headline.sentence.slower", lang, count=_count(slower.value, lang))
            if slower.value > 0
            else t("headline.sentence.nobody_slower", lang)
        )
    cost = by_kind.get("cost")
    if cost is not None:
        if cost.value == 0:
            parts.append(t("headline.sentence.cost_same", lang))
        else:
            parts.append(
                t(
                    "headline.sentence.cost_up"
                    if cost.value > 0
                    else "headline.sentence.cost_down",
                    lang,
                    amount=fmt_sek(abs(cost.value), lang),
                    municipality=fmt_sek(
                        cost.details.get("municipality_sek", 0.0), lang, signed=True
                    ),
                )
            )
    return " ".join(parts)
