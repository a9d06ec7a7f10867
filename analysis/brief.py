"""The decision brief: one A4 page (PDF or PNG) for the council's files.

Title, date, scenario description, key figures, before/after maps with legend, scale bar and north
arrow, a per-locality table, data sources and the fictional-data label where it applies.  Drawn
with matplotlib (no browser, no network), from values the caller has already computed.
"""

from __future__ import annotations

import datetime as dt
import io as _io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from analysis.i18n import fmt_date, t  # noqa: E402

#: Travel-time classes (upper bounds in minutes) and their colours, shared with the web maps.
TIME_BANDS_MIN: Final = (5, 10, 20, 30, 45)
TIME_COLOURS: Final = ("#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027")
UNREACHABLE_COLOUR: Final = "#7f7f7f"
A4_INCHES: Final = (8.27, 11.69)


@dataclass(frozen=True)
class KeyFigure:
    """One key figure, already formatted for display."""

    label: str
    before: str
    after: str
    caption: str = ""


@dataclass(frozen=True)
class BriefContent:
    """Everything the brief shows; the caller computes and formats the numbers."""

    title: str
    region_name: str
    scenario_name: str
    scenario_description: str
    key_figures: Sequence[KeyFigure]
    cells: gpd.GeoDataFrame
    minutes_before: pd.Series
    minutes_after: pd.Series
    map_subject: str
    locality_table: pd.DataFrame
    sources: Sequence[str]
    fictional: bool
    boundary: gpd.GeoDataFrame | None = None
    date: dt.date = field(default_factory=dt.date.today)
    lang: str = "sv"


def time_class(minutes: pd.Series | np.ndarray) -> np.ndarray:
    """Return the index of each time's class in :data:`TIME_BANDS_MIN`; -1 for unreachable.

    Examples
    --------
    >>> time_class(np.array([0.0, 5.0, 5.1, 44.0, 60.0, np.inf])).tolist()
    [0, 0, 1, 4, 5, -1]
    """
    values = np.asarray(minutes, dtype=float)
    classes = np.searchsorted(np.asarray(TIME_BANDS_MIN, dtype=float), values, side="left")
    return np.where(np.isfinite(values), classes, -1)


def band_labels(lang: str = "sv") -> list[str]:
    """Return the legend labels of the travel-time classes, e.g. ``'10–20 min'``."""
    edges = (0, *TIME_BANDS_MIN)
    labels = [f"{low}–{high} min" for low, high in zip(edges[:-1], edges[1:], strict=True)]
    return [*labels, f"> {TIME_BANDS_MIN[-1]} min", t("common.unreachable", lang)]


def _draw_map(ax: Axes, content: BriefContent, minutes: pd.Series, title: str) -> None:
    classes = time_class(minutes.to_numpy())
    colours = np.where(
        classes < 0, UNREACHABLE_COLOUR, np.asarray(TIME_COLOURS, dtype=object)[classes]
    )
    if content.boundary is not None:
        content.boundary.boundary.plot(ax=ax, color="#333333", linewidth=0.6)
    content.cells.plot(ax=ax, color=colours, linewidth=0)
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
    ax.set_aspect("equal")
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    bar_m = 10_000.0 if (xmax - xmin) > 25_000 else 1_000.0
    x0, y0 = xmin + 0.05 * (xmax - xmin), ymin + 0.04 * (ymax - ymin)
    ax.plot([x0, x0 + bar_m], [y0, y0], color="black", linewidth=2)
    ax.text(
        x0 + bar_m / 2,
        y0 + 0.015 * (ymax - ymin),
        f"{bar_m / 1000:g} km",
        ha="center",
        va="bottom",
        fontsize=7,
    )
    ax.annotate(
        "N",
        xy=(0.93, 0.95),
        xytext=(0.93, 0.85),
        xycoords="axes fraction",
        ha="center",
        fontsize=8,
        arrowprops={"arrowstyle": "-|>", "color": "black"},
    )


def render_brief(content: BriefContent, fmt: str = "pdf") -> bytes:
    """Render the brief as ``"pdf"`` or ``"png"`` bytes (one A4 page)."""
    if fmt not in ("pdf", "png"):
        raise ValueError(f"Unsupported format {fmt!r}; use 'pdf' or 'png'.")
    lang = content.lang
    figure = plt.figure(figsize=A4_INCHES)
    try:
        grid = figure.add_gridspec(
            6,
            2,
            height_ratios=[0.9, 1.1, 2.6, 0.35, 1.9, 0.6],
            hspace=0.35,
            wspace=0.05,
            left=0.06,
            right=0.94,
            top=0.96,
            bottom=0.03,
        )
        head = figure.add_subplot(grid[0, :])
        head.set_axis_off()
        head.text(0, 1, content.title, fontsize=16, fontweight="bold", va="top")
        head.text(
            0,
            0.62,
            f"{content.region_name} · {content.scenario_name} · {fmt_date(content.date)}",
            fontsize=10,
            va="top",
        )
        head.text(
            0, 0.35, textwrap.fill(content.scenario_description[:400], 110), fontsize=8, va="top"
        )
        if content.fictional:
            head.text(
                1,
                1,
                t("brief.fictional", lang),
                fontsize=8,
                color="#b2182b",
                ha="right",
                va="top",
                fontweight="bold",
            )

        figures_ax = figure.add_subplot(grid[1, :])
        figures_ax.set_axis_off()
        count = max(len(content.key_figures), 1)
        for index, key in enumerate(content.key_figures):
            x = index / count
            width = max(16, int(90 / count))
            figures_ax.text(x, 0.95, textwrap.fill(key.label, width), fontsize=8, va="top")
            figures_ax.text(x, 0.55, key.after, fontsize=18, fontweight="bold", va="top")
            figures_ax.text(
                x, 0.18, f"{t('brief.before', lang)}: {key.before}", fontsize=8, va="top"
            )
            if key.caption:
                figures_ax.text(
                    x,
                    0.05,
                    textwrap.fill(key.caption[:120], width + 8),
                    fontsize=6,
                    va="top",
                    color="#444444",
                )

        for column, (minutes, label) in enumerate(
            (
                (content.minutes_before, "brief.map_before"),
                (content.minutes_after, "brief.map_after"),
            )
        ):
            _draw_map(
                figure.add_subplot(grid[2, column]),
                content,
                minutes,
                f"{t(label, lang)}: {content.map_subject}",
            )

        legend_ax = figure.add_subplot(grid[3, :])
        legend_ax.set_axis_off()
        handles = [
            Patch(color=c, label=lab)
            for c, lab in zip((*TIME_COLOURS, UNREACHABLE_COLOUR), band_labels(lang), strict=True)
        ]
        legend_ax.legend(
            handles=handles,
            loc="center",
            ncol=len(handles),
            fontsize=7,
            frameon=False,
            title=t("brief.legend_title", lang),
            title_fontsize=8,
        )

        table_ax = figure.add_subplot(grid[4, :])
        table_ax.set_axis_off()
        table = content.locality_table.head(14)
        if len(table):
            drawn = table_ax.table(
                cellText=table.astype(str).to_numpy(),
                colLabels=[str(c) for c in table.columns],
                loc="upper center",
                cellLoc="left",
            )
            drawn.auto_set_font_size(False)
            drawn.set_fontsize(6.5)
            drawn.scale(1, 1.15)
        table_ax.set_title(t("brief.table_title", lang), fontsize=9, loc="left")

        foot = figure.add_subplot(grid[5, :])
        foot.set_axis_off()
        foot.text(
            0,
            1,
            f"{t('brief.sources', lang)}: " + "; ".join(content.sources),
            fontsize=6.5,
            va="top",
            wrap=True,
        )
        foot.text(
            0, 0.3, t("brief.method", lang), fontsize=6.5, va="top", wrap=True, color="#444444"
        )
        buffer = _io.BytesIO()
        figure.savefig(
            buffer,
            format=fmt,
            dpi=150 if fmt == "png" else None,
            metadata={"Title": content.title} if fmt == "pdf" else None,
        )
        return buffer.getvalue()
    finally:
        plt.close(figure)
