"""Key figures on a page: value, direction in words and colour, before → after, caption.

One rendering for the scenario page and the council view (the brief draws the same
:class:`~analysis.headlines.KeyFigure` objects on paper).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import streamlit as st

from analysis.headlines import DIRECTION_STYLE, KeyFigure
from analysis.i18n import t

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~$:-])")


def plain(text: str) -> str:
    """Return ``text`` with Markdown escaped, so names from data show as written.

    Examples
    --------
    >>> plain("[x](javascript:alert(1))")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def before_after(figure: KeyFigure, lang: str) -> str:
    """Return "I dag: 0 → med förslaget: 212." (empty for a figure that is a change itself)."""
    if not figure.before:
        return ""
    return (
        f"{t('headline.today', lang)}: {figure.before} → "
        f"{t('headline.with_scenario', lang)}: {figure.after}."
    )


def show_key_figures(figures: Sequence[KeyFigure], lang: str, per_row: int = 3) -> None:
    """Show ``figures`` as metrics, ``per_row`` to a row, each with its caption beneath."""
    columns = [column for _ in range(0, len(figures), per_row) for column in st.columns(per_row)]
    for column, figure in zip(columns, figures, strict=False):
        colour, arrow = DIRECTION_STYLE[figure.direction]
        column.metric(
            plain(figure.label),
            figure.after,
            delta=figure.direction_text,
            delta_color=colour,  # type: ignore[arg-type]
            delta_arrow=arrow,  # type: ignore[arg-type]
            help=plain(figure.caption),
        )
        column.caption(
            plain(" ".join(p for p in (before_after(figure, lang), figure.caption) if p))
        )
