"""The council view in a real browser (issue 6): key figures, two maps, the one-page brief.

A scenario is saved straight into the app's DuckDB file (the store's file lock makes a second
process safe), then a planner opens Fullmäktigeläge, reads the five key figures, sees the maps
before and after, downloads the decision brief as PDF and switches to presentation mode.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis import store
from analysis.scenarios import Change
from tests.e2e.helpers import (
    MAP_IFRAME,
    TIMEOUT_MS,
    choose_matching,
    cut_off_figures,
    expected_effect,
    map_views,
    wait_idle,
    whole_page_screenshot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REGION_ID = "exempelbygd"
HALL_SITE_ID = "site-044"  # Bygdegården Kvarnbäcken in the demo region
CATEGORIES = ("grocery_convenience", "pharmacy_agent", "parcel_agent")
SCENARIO_NAME = "Servicepunkt i Kvarnbäcken (fullmäktige-e2e)"
DESCRIPTION = (
    "En närbutik, ett apoteksombud och ett paketombud samlas i bygdegården i Kvarnbäcken. "
    "Förslaget bygger på behov som byborna själva har registrerat."
)


def _hub() -> Change:
    return Change("hub", site_id=HALL_SITE_ID, categories=CATEGORIES)


def _plain(text: str) -> str:
    """Fold the spaces and dashes that formatting and PDF text extraction vary in."""
    text = text.replace("\u2212", "-").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def saved_scenario(app_server: Any) -> Iterator[str]:
    """A hub in the village hall of Laxede, saved in the running app's store; its id."""
    database = store.open_store(app_server.database_path)
    hub = _hub()
    scenario_id = store.save_scenario(
        database,
        REGION_ID,
        SCENARIO_NAME,
        "Testplanerare",
        [hub.to_json()],
        parameters={"mode": "car", "threshold_min": 20},
        description=DESCRIPTION,
    )
    yield scenario_id
    store.delete_scenario(database, scenario_id)


def _text_boxes(pdf_page: Any) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every run of text on a PDF page with its box (left, bottom, right, top) in points."""
    text_page = pdf_page.get_textpage()
    boxes = [text_page.get_rect(index) for index in range(text_page.count_rects())]
    return [(text_page.get_text_bounded(*box), box) for box in boxes]


def _overlaps(a: tuple[float, ...], b: tuple[float, ...], tolerance: float = 0.5) -> bool:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width > tolerance and height > tolerance


@pytest.mark.usefixtures("saved_scenario")
def test_council_view_brief_and_presentation_mode(
    planner_page: Any,
    request_log: Any,
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Fullmäktigeläge", exact=True).click()
    page.get_by_role("heading", name="Fullmäktigeläge", exact=True).wait_for(timeout=TIMEOUT_MS)
    choose_matching(page, "Scenario att visa", SCENARIO_NAME)
    page.get_by_role("heading", name=SCENARIO_NAME).wait_for(timeout=TIMEOUT_MS)
    page.get_by_text(DESCRIPTION[:40]).first.wait_for(timeout=TIMEOUT_MS)

    # The figures that matter for this scenario, as the engine computes them, in the
    # self-refreshing fragment.
    effect = expected_effect([_hub().to_json()])
    expected = [(label, value) for label, value, _ in effect.figures]
    changed_localities = effect.localities
    metrics = page.locator("[data-testid=stMetric]")
    page.wait_for_function(
        "(n) => document.querySelectorAll('[data-testid=stMetric]').length === n",
        arg=len(expected),
        timeout=TIMEOUT_MS,
    )
    wait_idle(page)
    shown: dict[str, str] = {}
    for index in range(len(expected)):
        metric = metrics.nth(index)
        label = _plain(metric.locator("[data-testid=stMetricLabel]").text_content() or "")
        value = _plain(metric.locator("[data-testid=stMetricValue]").text_content() or "")
        shown[label] = value
    assert list(shown.items()) == expected, (shown, expected)
    assert next(iter(shown)).startswith("Invånare i Kvarnbäcken som nu når dagligvaror inom")
    assert int(next(iter(shown.values())).replace(" ", "")) > 0, "the hub shows its gain"
    assert cut_off_figures(page) == []

    # Two maps side by side: before and after.
    page.locator(MAP_IFRAME).nth(1).wait_for(timeout=TIMEOUT_MS)
    assert page.locator(MAP_IFRAME).count() == 2
    boxes = []
    for index in range(2):
        frame = page.frame_locator(MAP_IFRAME).nth(index)
        frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
        frame.locator("path.leaflet-interactive").first.wait_for(
            state="attached", timeout=TIMEOUT_MS
        )
        boxes.append(page.locator(MAP_IFRAME).nth(index).bounding_box())
    assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] + 1, boxes  # side by side
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 5, boxes
    # Both open on the change, with the same extent, no control over a changed cell.
    views = map_views(page, effect.cells, count=2, region=effect.region_box)
    for view in views:
        assert view["outside"] == 0 and view["covered"] == 0, view
        # Closer than the whole municipality: this village's change spans much of the region's
        # height, and on these half-width maps the view at the change's zoom can cover more
        # square degrees than the region's box (the map is wider than the region).
        assert view["zoom"] > view["region_zoom"], str(view)
    # Both fit the same bounds: the same scale, and centres a few pixels apart at most (each
    # map measures its own controls).
    spans = [(v["view"][2] - v["view"][0], v["view"][3] - v["view"][1]) for v in views]
    assert spans[0] == pytest.approx(spans[1], rel=1e-6), views
    for axis in (0, 1):
        centres = [(v["view"][axis] + v["view"][axis + 2]) / 2 for v in views]
        assert abs(centres[0] - centres[1]) < 0.03 * spans[0][axis], views
    assert "Kvarnbäcken" in str(page.locator("[data-testid=stDataFrame]").first.text_content())

    # The brief: one A4 page whose text holds the figures on screen.
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Ladda ned beslutsunderlag (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    raw = pdf_path.read_bytes()
    assert raw.startswith(b"%PDF"), raw[:16]
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) == 1
        first = pdf[0]
        width_pt, height_pt = first.get_size()
        assert (round(width_pt), round(height_pt)) == (595, 842), "A4 portrait"
        text = _plain(first.get_textpage().get_text_range())
        boxes = _text_boxes(first)
        image = first.render(scale=150 / 72).to_pil()
    finally:
        pdf.close()
    assert SCENARIO_NAME in text
    assert "Beslutsunderlag" in text
    for label, value in shown.items():
        assert label in text, (label, text)
        assert value in text, (value, text)
    assert changed_localities
    missing = [name for name in changed_localities if name not in text]
    assert missing == [], "the locality table is cut off"
    # Layout: no two pieces of text on top of each other, nothing outside the page.
    colliding = [
        (first_text, second_text)
        for (first_text, first_box), (second_text, second_box) in itertools.combinations(boxes, 2)
        if _overlaps(first_box, second_box)
    ]
    assert colliding == [], colliding
    outside = [
        piece
        for piece, (left, bottom, right, top) in boxes
        if left < 0 or bottom < 0 or right > width_pt or top > height_pt
    ]
    assert outside == [], outside
    image.save(screenshot_dir / "brief_page1.png")
    grey = image.convert("L")
    histogram = grey.histogram()
    non_white = sum(histogram[:240]) / (grey.width * grey.height)
    assert non_white > 0.05, f"the brief looks blank ({non_white:.1%} drawn)"
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 20, "maps in colour"

    whole_page_screenshot(page, screenshot_dir / "council.png")
    for width, height in ((1920, 1080), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        page.wait_for_timeout(1_000)
        page.screenshot(path=str(screenshot_dir / f"council_{width}x{height}.png"))
        assert cut_off_figures(page) == [], (width, height)
    page.set_viewport_size({"width": 1400, "height": 1000})

    # Presentation mode: no sidebar, large numbers.
    sidebar = page.locator("[data-testid=stSidebar]")
    assert sidebar.is_visible()
    page.get_by_text("Presentationsläge", exact=False).first.click()
    sidebar.wait_for(state="hidden", timeout=TIMEOUT_MS)
    wait_idle(page)
    page.wait_for_timeout(500)
    page.screenshot(path=str(screenshot_dir / "council_presentation.png"))
    size = metrics.first.locator("[data-testid=stMetricValue]").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size > 40, size
    assert cut_off_figures(page) == []
    assert request_log.foreign() == []
