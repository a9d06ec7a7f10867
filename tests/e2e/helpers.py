"""Shared steps for the browser tests: choosing in select boxes, waiting, screenshots, grids.

Plain functions on a Playwright page (typed as ``Any``: Playwright is a test-only dependency).
Fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analysis.model import scb_cell_id

#: How long a step may wait for the app (the first run of a page loads the region).
TIMEOUT_MS = 60_000
#: The streamlit-folium iframe that holds a map.
MAP_IFRAME = 'iframe[title*="folium"]'
#: Side of the public map's need cells, in metres.
CELL_M = 1000
#: Streamlit's data grid: height of the header and of each row, in pixels.
ROW_PX = 35
#: How many times a select box is opened again when a rerun closed its list.
CHOOSE_ATTEMPTS = 5
#: How long one attempt waits for the option to show up.
OPTION_TIMEOUT_MS = 5_000


def choose(page: Any, label: str, option: str) -> None:
    """Pick the option named exactly ``option`` in the select box labelled exactly ``label``.

    The option's name is typed first (Streamlit renders only the visible part of a long list);
    if a rerun closes the list, it is closed for good (Escape) and opened again.
    """
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(CHOOSE_ATTEMPTS):
        page.get_by_label(label, exact=True).first.click()
        page.keyboard.type(option)  # long lists are virtual: filter first
        try:
            choice.click(timeout=OPTION_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - a rerun closed the list: open it again
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
            continue
        return
    raise AssertionError(f"could not choose {option!r} in {label!r}")


def _open_list(page: Any, label: str) -> bool:
    """Open the select box ``label``; return whether any option showed up in its list."""
    page.get_by_label(label, exact=True).first.click()
    try:
        page.get_by_role("option").first.wait_for(timeout=OPTION_TIMEOUT_MS)
    except Exception:  # noqa: BLE001 - a rerun closed the list: the caller opens it again
        return False
    return True


def choose_matching(page: Any, label: str, typed: str) -> str:
    """Type ``typed`` into select box ``label``, pick the first option containing it.

    Return the option's name.  Typing filters the list (long lists are virtualised, so an
    option far down is not in the DOM until filtered); a rerun can close the list, so it is
    opened again if needed.
    """
    option = page.get_by_role("option", name=typed)
    for _ in range(CHOOSE_ATTEMPTS):
        if not _open_list(page, label):
            continue
        page.keyboard.type(typed)
        try:
            option.first.wait_for(timeout=OPTION_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - a rerun closed the list: open it again
            continue
        name = str(option.first.text_content())
        option.first.click()
        return name
    raise AssertionError(f"no option containing {typed!r} in {label!r}")


def wait_idle(page: Any) -> None:
    """Wait until Streamlit has finished its current script run."""
    page.wait_for_timeout(300)  # a click's rerun may not have started yet
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for(
        timeout=TIMEOUT_MS
    )


def whole_page_screenshot(page: Any, path: Path, *, max_height: int = 12_000) -> None:
    """Screenshot the whole page at the current width.

    Streamlit scrolls inside ``stMain``, so ``full_page`` alone shows one screenful; the
    viewport is made as tall as the content (at most ``max_height``) for the picture, then
    restored.
    """
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stMainBlockContainer], [data-testid=stAppViewContainer], section.main')]"
        ".map(e => e.scrollHeight), window.innerHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, max_height)})
    page.wait_for_timeout(1_500)  # iframes, Leaflet and tables re-lay out and repaint
    wait_idle(page)  # not mid-run, when Streamlit greys out stale elements
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def cut_off_figures(page: Any) -> list[str]:
    """Texts of key-figure labels or values cut off (ellipsis, hidden overflow) on screen."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll(
                    '[data-testid=stMetricLabel], [data-testid=stMetricValue]')]
                .filter(e => [e, ...e.querySelectorAll('*')]
                    .some(x => x.scrollWidth > x.clientWidth + 1))
                .map(e => e.textContent)"""
        )
    )


def grid_showing(page: Any, token: str, at_least: int = 1) -> Any:
    """Return the page's first data grid once ``token`` shows in ``at_least`` of its cells.

    The grid draws only the rows on screen: it is scrolled into view (an open filter panel
    above it can push it below the fold), and its rows are scrolled to the end, where the
    newest rows are (lists are ordered by creation; needs from earlier tests can fill the
    first screenful).
    """
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
    page.wait_for_function(
        """(n) => {
            document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')
                .forEach(s => { s.scrollTop = s.scrollHeight; });
            return [...document.querySelectorAll('[data-testid=stDataFrame] td')]
                .filter(td => td.textContent.includes(n[0])).length >= n[1];
        }""",
        arg=[token, at_least],
        timeout=TIMEOUT_MS,
    )
    return grid


def select_row(page: Any, grid: Any, text: str) -> None:
    """Tick the row of a Streamlit data grid that shows ``text`` (the grid is a canvas)."""
    row_index = grid.locator("tr", has=page.locator("td", has_text=text)).first.get_attribute(
        "aria-rowindex"
    )
    assert row_index is not None, "the grid's accessible table numbers its rows"
    box = grid.bounding_box()
    assert box is not None
    # Header and rows are ROW_PX high; aria-rowindex counts the header as row 1.
    y = box["y"] + ROW_PX * (int(row_index) - 1) + ROW_PX / 2
    page.mouse.click(box["x"] + 12, y)


def map_frame(page: Any, drawn: str = ".leaflet-container") -> Any:
    """The (first) streamlit-folium iframe, once an element matching ``drawn`` is in it."""
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(drawn).first.wait_for(timeout=TIMEOUT_MS)
    return frame


def log_in(page: Any, url: str, password: str) -> None:
    """Log in as a planner from the start page (a new session); wait for the planner map."""
    page.goto(url)
    page.get_by_role("link", name="Logga in som planerare").click()
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)


def cell_of(x: float, y: float) -> str:
    """The id of the ``CELL_M`` cell (SCB style) holding the point ``x, y`` (EPSG:3006)."""
    return scb_cell_id(int(np.floor(x / CELL_M) * CELL_M), int(np.floor(y / CELL_M) * CELL_M))


#: In a map iframe: the Leaflet view once it has been fitted to a change (``data-sk-fit``),
#: how many of the given cells (``[south, west, north, east]`` each) lie outside it, and how
#: many lie under a control (legend, zoom buttons, layer menu, scale bar).
_MAP_VIEW_JS = """([cells, region]) => {
    // The map on screen: a rerun that changes the map makes a new one in the same frame, and
    // the old object stays in ``window`` with its container detached.
    const map = Object.values(window)
        .filter(v => v instanceof L.Map && document.body.contains(v.getContainer())).pop();
    if (!map || !map.getContainer().hasAttribute('data-sk-fit')) return null;
    const view = map.getBounds();
    const box = map.getContainer().getBoundingClientRect();
    const controls = [...map.getContainer().querySelectorAll('.leaflet-control')]
        .map(c => c.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
    let outside = 0, covered = 0;
    for (const [s, w, n, e] of cells) {
        if (!view.contains(L.latLngBounds([s, w], [n, e]))) outside++;
        const a = map.latLngToContainerPoint([n, w]), b = map.latLngToContainerPoint([s, e]);
        const r = {left: box.left + a.x, top: box.top + a.y,
                   right: box.left + b.x, bottom: box.top + b.y};
        if (controls.some(c => c.left < r.right && c.right > r.left
                            && c.top < r.bottom && c.bottom > r.top)) covered++;
    }
    return {view: [view.getSouth(), view.getWest(), view.getNorth(), view.getEast()],
            outside: outside, covered: covered, controls: controls.length,
            zoom: map.getZoom(),
            fitted_zoom: map.getContainer().getAttribute('data-sk-fitted-zoom'),
            touched: map.getContainer().getAttribute('data-sk-touched'),
            size: [map.getSize().x, map.getSize().y], region_zoom: region ? map.getBoundsZoom(
                L.latLngBounds([region[0], region[1]], [region[2], region[3]])) : null};
}"""


def map_views(
    page: Any, cells: list[list[float]], count: int = 1, region: list[float] | None = None
) -> list[dict[str, Any]]:
    """Wait until ``count`` map iframes have fitted their view to a change and the views have
    settled (a map refits while its frame grows and its legends fold); return the views.

    Each: ``view`` (south, west, north, east), ``outside`` and ``covered`` (how many of
    ``cells`` lie outside the view or under a map control), ``controls``, the map's ``zoom``
    and ``region_zoom``, the zoom at which ``region`` (south, west, north, east) would fit.
    """
    views: list[dict[str, Any]] = []
    previous: list[dict[str, Any]] | None = None
    for _ in range(int(TIMEOUT_MS / 400)):
        frames = [f for f in page.frames if "streamlit_folium" in f.url]
        views = []
        for frame in frames:
            try:
                view = frame.evaluate(_MAP_VIEW_JS, [cells, region])
            except Exception:  # noqa: BLE001 - the frame is being replaced: look again
                view = None
            if view is not None:
                views.append(view)
        if len(views) >= count and views == previous:
            return views
        previous = views
        page.wait_for_timeout(400)
    raise AssertionError(f"{len(views)} of {count} maps were fitted to the change")


def plain_text(text: str) -> str:
    """Fold the spaces and dashes that formatting and PDF text extraction vary in."""
    text = text.replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class ExpectedEffect:
    """What the engine computes for a scenario of the demo region (car, 20 min)."""

    figures: list[tuple[str, str, str]]  # (label, value, direction in words)
    localities: list[str]  # names of the localities that gain or lose
    cells: list[list[float]]  # cells whose time to the headline need changes, [s, w, n, e]
    region_box: list[float]  # the region's [south, west, north, east]


def expected_effect(changes: list[dict[str, Any]]) -> ExpectedEffect:
    """The key figures, changed localities and changed cells of a scenario, from the engine."""
    from analysis import accessibility, evaluate, headlines, io, settings
    from analysis.i18n import t
    from analysis.model import CATEGORY_IDS
    from analysis.scenarios import Scenario

    region = io.load_region(settings.DEFAULT_REGION)
    baseline = accessibility.analyse_region(region)
    scenario = Scenario.from_changes(settings.DEFAULT_REGION, "e2e", changes)
    after = accessibility.scenario_analysis(baseline, scenario)
    result = evaluate.evaluate(baseline, after, scenario, "car", 20, region.needs)
    names = dict(zip(region.localities["locality_id"], region.localities["name"], strict=True))
    categories = {c: t(f"category.{c}") for c in CATEGORY_IDS}
    figures = headlines.key_figures(result.headlines(), "sv", names, categories)
    names[settings.RURAL_LOCALITY_ID] = t("locality.glesbygd")
    # The maps show the headline's need and open where it changes.
    need = next(h.need for h in result.headlines() if h.need)
    changed = result.effect.changed_cells_of(f"need:{need}")
    cells = region.population.loc[changed].to_crs(settings.CRS_DISPLAY)
    west, south, east, north = region.boundary.to_crs(settings.CRS_DISPLAY).total_bounds
    return ExpectedEffect(
        [(plain_text(f.label), plain_text(f.after), f.direction_text) for f in figures],
        [names[g] for g in result.effect.localities["locality_id"]],
        [[b[1], b[0], b[3], b[2]] for b in cells.geometry.bounds.to_numpy().tolist()],
        [float(south), float(west), float(north), float(east)],
    )


def shown_figures(page: Any) -> list[tuple[str, str, str]]:
    """(label, value, direction in words) of every key figure on the page."""
    return [
        tuple(  # type: ignore[misc]
            plain_text(str(m.locator(f"[data-testid={part}]").first.text_content() or ""))
            for part in ("stMetricLabel", "stMetricValue", "stMetricDelta")
        )
        for m in page.locator("[data-testid=stMetric]").all()
    ]


def smaller_than(view: list[float], region: list[float]) -> bool:
    """Whether a ``[south, west, north, east]`` view shows less than the whole region: a
    smaller area and a smaller extent on at least one axis (it is fitted to something)."""

    def area(box: list[float]) -> float:
        return (box[2] - box[0]) * (box[3] - box[1])

    narrower = (view[2] - view[0]) < (region[2] - region[0]) or (view[3] - view[1]) < (
        region[3] - region[1]
    )
    return area(view) < area(region) and narrower
