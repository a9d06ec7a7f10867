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
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

# No pyplot: its global figure registry is not thread-safe, and the brief is drawn in whichever
# thread asks for it (a download is rendered in a worker thread of the server).
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from analysis import settings
from analysis.headlines import KeyFigure
from analysis.i18n import fmt_date, t
from analysis.maps import (
    TRAVEL_TIME_COLOURS,
    UNREACHABLE_COLOUR,
    travel_time_band,
    travel_time_classes,
)

__all__ = ["BriefContent", "KeyFigure", "band_labels", "render_brief", "time_class"]

#: Travel-time classes and colours: the web maps' own (:func:`analysis.maps.travel_time_band`).
TIME_BANDS_MIN: Final = settings.THRESHOLDS_MIN
TIME_COLOURS: Final = TRAVEL_TIME_COLOURS
#: Colour of a key figure's direction in words (the same meaning as on the web pages).
DIRECTION_COLOURS: Final = {"better": "#1a7f37", "worse": "#b42318", "same": "#555555"}
A4_INCHES: Final = (8.27, 11.69)
#: Most locality rows the table shows; beyond :data:`TABLE_SPLIT_ROWS` it is split in two halves.
TABLE_MAX_ROWS: Final = 40
TABLE_SPLIT_ROWS: Final = 14
_LINE: Final = 1.2  # line height as a multiple of the font size (matplotlib's default)
_FIGURE_GAP_PT: Final = 10.0  # space between two key-figure columns


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
    #: One sentence summing the effect up, printed under the title.
    summary: str = ""
    #: ``(south, west, north, east)`` in WGS 84 the maps show (the web maps' extent); the
    #: whole region when ``None``.
    extent: tuple[float, float, float, float] | None = None


def time_class(minutes: pd.Series | np.ndarray) -> np.ndarray:
    """Return each time's class, as on the web maps; -1 for unreachable.

    A class holds its lower bound (5 min is in 5–10), as :func:`analysis.maps.travel_time_band`.

    Examples
    --------
    >>> time_class(np.array([0.0, 4.9, 5.0, 44.0, 60.0, np.inf])).tolist()
    [0, 0, 1, 4, 5, -1]
    """
    values = pd.Series(np.asarray(minutes, dtype=float))
    bands = travel_time_band(values).to_numpy()
    return np.where(bands >= len(TIME_COLOURS), -1, bands)


def band_labels(lang: str = "sv") -> list[str]:
    """Return the legend labels of the travel-time classes, e.g. ``'10–20 min'``."""
    labels = [label for _, label in travel_time_classes(lang)]
    return [f"{label} min" for label in labels[:-1]] + labels[-1:]


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
    if content.extent is not None:
        south, west, north, east = content.extent
        frame = gpd.GeoSeries(
            [shapely.box(west, south, east, north)], crs=settings.CRS_DISPLAY
        ).to_crs(settings.CRS_METRIC)
        min_x, min_y, max_x, max_y = (float(v) for v in frame.total_bounds)
        ax.set_xlim(min_x, max_x)
        ax.set_ylim(min_y, max_y)
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


def _wrap_chars(width_pt: float, fontsize: float) -> int:
    """Characters of DejaVu Sans at ``fontsize`` that fit in ``width_pt`` (a safe estimate)."""
    return max(8, int(width_pt / (0.58 * fontsize)))


def _draw_key_figures(
    figure: Figure, ax: Axes, key_figures: Sequence[KeyFigure], lang: str
) -> None:
    """Key figures in equal columns: label, large value, value before, caption.

    Each line is placed in points below the one above it, so a long label pushes the value down
    instead of running into it; a value wider than its column gets a smaller font.
    """
    ax.set_axis_off()
    count = max(len(key_figures), 1)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    column_pt = ax.get_window_extent(renderer).width * 72 / figure.dpi / count - _FIGURE_GAP_PT
    labels = [textwrap.fill(key.label, _wrap_chars(column_pt, 8)) for key in key_figures]
    label_lines = max((label.count("\n") + 1 for label in labels), default=1)
    for index, (key, label) in enumerate(zip(key_figures, labels, strict=True)):

        def line(text: str, offset: float, x: float = index / count, **style: Any) -> Annotation:
            return ax.annotate(
                text,
                xy=(x, 1.0),
                xycoords="axes fraction",
                xytext=(0, offset),
                textcoords="offset points",
                va="top",
                **style,
            )

        line(label, 0.0, fontsize=8)
        offset = -(label_lines * 8 * _LINE + 4)
        value = line(key.after, offset, fontsize=18, fontweight="bold")
        size = 18.0
        while value.get_window_extent(renderer).width > column_pt * figure.dpi / 72 and size > 9:
            size -= 1
            value.set_fontsize(size)
        offset -= 18 * _LINE + 3
        if key.direction_text:
            line(
                key.direction_text,
                offset,
                fontsize=8,
                fontweight="bold",
                color=DIRECTION_COLOURS.get(key.direction, "#555555"),
            )
            offset -= 8 * _LINE + 3
        if key.before:
            line(f"{t('brief.before', lang)}: {key.before}", offset, fontsize=8)
            offset -= 8 * _LINE + 3
        if key.caption:
            line(
                textwrap.fill(key.caption, _wrap_chars(column_pt, 6)),
                offset,
                fontsize=6,
                color="#444444",
            )


def _draw_table(figure: Figure, ax: Axes, frame: pd.DataFrame, title: str) -> None:
    """The locality table, every row: split into two halves side by side when it is long."""
    ax.set_axis_off()
    ax.set_title(title, fontsize=9, loc="left")
    rows = frame.head(TABLE_MAX_ROWS).astype(str)
    if not len(rows):
        return
    halves = (
        [rows]
        if len(rows) <= TABLE_SPLIT_ROWS
        else [rows.iloc[: (len(rows) + 1) // 2], rows.iloc[(len(rows) + 1) // 2 :]]
    )
    longest = max(len(half) for half in halves)
    height_pt = ax.get_window_extent(figure.canvas.get_renderer()).height * 72 / figure.dpi  # type: ignore[attr-defined]
    # Header (two lines) counts as two rows; rows are at most 12 pt high.
    row = min(1.0 / (longest + 2), 12.0 / height_pt)
    gap = 0.02 if len(halves) > 1 else 0.0
    width = (1.0 - gap * (len(halves) - 1)) / len(halves)
    header_chars = max(10, int(width * 480 / max(len(rows.columns), 1) / 3.6))
    for index, half in enumerate(halves):
        drawn = ax.table(
            cellText=half.to_numpy(),
            colLabels=[textwrap.fill(str(c), header_chars) for c in half.columns],
            cellLoc="left",
            bbox=Bbox.from_bounds(
                index * (width + gap), 1.0 - row * (len(half) + 2), width, row * (len(half) + 2)
            ),
        )
        drawn.auto_set_font_size(False)
        drawn.set_fontsize(6.5)
        for (row_index, _), cell in drawn.get_celld().items():
            cell.set_linewidth(0.4)
            if row_index == 0:
                cell.set_height(cell.get_height() * 2)
                cell.set_text_props(fontweight="bold")


def render_brief(content: BriefContent, fmt: str = "pdf") -> bytes:
    """Render the brief as ``"pdf"`` or ``"png"`` bytes (one A4 page)."""
    if fmt not in ("pdf", "png"):
        raise ValueError(f"Unsupported format {fmt!r}; use 'pdf' or 'png'.")
    lang = content.lang
    figure = Figure(figsize=A4_INCHES)
    FigureCanvasAgg(figure)  # draws to pixels, PDF or PNG; gives the renderer text measures use
    try:
        grid = figure.add_gridspec(
            6,
            2,
            height_ratios=[0.8, 2.05, 2.45, 0.35, 1.75, 0.55],
            hspace=0.3,
            wspace=0.05,
            left=0.06,
            right=0.94,
            top=0.96,
            bottom=0.03,
        )
        text_width_pt = (0.94 - 0.06) * A4_INCHES[0] * 72
        head = figure.add_subplot(grid[0, :])
        head.set_axis_off()
        head.text(0, 1, content.title, fontsize=16, fontweight="bold", va="top")
        head.text(
            0,
            0.55,
            f"{content.region_name} · {content.scenario_name} · {fmt_date(content.date)}",
            fontsize=10,
            va="top",
        )
        head.text(
            0,
            0.22,
            textwrap.fill(
                textwrap.shorten(
                    " ".join(p for p in (content.summary, content.scenario_description) if p),
                    600,
                    placeholder=" …",
                ),
                _wrap_chars(text_width_pt, 8),
            ),
            fontsize=8,
            va="top",
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

        _draw_key_figures(figure, figure.add_subplot(grid[1, :]), content.key_figures, lang)

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

        _draw_table(
            figure,
            figure.add_subplot(grid[4, :]),
            content.locality_table,
            t("brief.table_title", lang),
        )

        foot = figure.add_subplot(grid[5, :])
        foot.set_axis_off()
        sources = textwrap.fill(
            f"{t('brief.sources', lang)}: " + "; ".join(content.sources),
            _wrap_chars(text_width_pt, 6.5),
        )
        foot.text(0, 1, sources, fontsize=6.5, va="top")
        foot.annotate(
            textwrap.fill(t("brief.method", lang), _wrap_chars(text_width_pt, 6.5)),
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, -(sources.count("\n") + 1) * 6.5 * _LINE - 4),
            textcoords="offset points",
            fontsize=6.5,
            va="top",
            color="#444444",
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
        figure.clear()
