"""The public map on a phone (390x844) in a real browser: tap or choose a place, read the times.

An anonymous resident lands on the public map, taps near a locality (or chooses it in the list)
and gets a table of travel times per service by car, bicycle and on foot.  Everything stays on
this machine, the English switch works, and the basics of accessibility hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import MAP_IFRAME, TIMEOUT_MS, choose, map_frame, whole_page_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
SERVICE_MARKER = ".sk-svc[role=img]"  # the map is drawn once its service markers are


@pytest.fixture
def phone(browser: Any, request_log: Any) -> Iterator[Any]:
    """A fresh page in a phone-sized context (touch, 390x844) recording every request."""
    context = browser.new_context(
        viewport=PHONE, locale="sv-SE", is_mobile=True, has_touch=True, device_scale_factor=1
    )
    context.set_default_timeout(TIMEOUT_MS)
    new_page = context.new_page()
    new_page.on("request", lambda request: request_log.urls.append(request.url))
    new_page.on("websocket", lambda socket_: request_log.urls.append(socket_.url))
    try:
        yield new_page
    finally:
        context.close()


def _settled_box(page: Any, locator: Any) -> dict[str, float]:
    """The box of ``locator`` (inside the map) once the map is in view and no longer moving.

    The map's iframe is scrolled into view, never the element itself: that would scroll
    Leaflet's overflow-hidden container, which a person cannot do, and shift every click.
    """
    page.locator(MAP_IFRAME).first.scroll_into_view_if_needed()
    previous = None
    for _ in range(20):
        box = locator.bounding_box()
        if box is not None and box == previous:
            return dict(box)
        previous = box
        page.wait_for_timeout(200)
    raise AssertionError(f"{locator} kept moving")


def _nearest_label(pin: Any) -> str:
    """The name of the locality label closest to the tip of the ``pin``."""
    return str(
        pin.evaluate(
            """(pin) => {
            const r = pin.getBoundingClientRect();
            const tip = [r.left + r.width / 2, r.bottom];
            let best = null, bestDistance = Infinity;
            for (const label of pin.ownerDocument.querySelectorAll('.sk-label')) {
                const b = label.getBoundingClientRect();
                const d = Math.hypot(b.left + b.width / 2 - tip[0], b.bottom - tip[1]);
                if (d < bestDistance) { best = label.textContent; bestDistance = d; }
            }
            return best;
        }"""
        )
    )


def _times_table(page: Any) -> tuple[list[str], list[list[str]]]:
    """The headers and rows of the travel-time table, as the page shows them."""
    table = page.locator("[data-testid=stTable] table").first
    table.wait_for(timeout=TIMEOUT_MS)
    headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    rows = [
        [text.strip() for text in row.locator("th, td").all_inner_texts()]
        for row in table.locator("tbody tr").all()
    ]
    return headers, rows


def _assert_swedish_times(page: Any) -> None:
    page.get_by_role("heading", name="Närmaste service").wait_for(timeout=TIMEOUT_MS)
    headers, rows = _times_table(page)
    assert headers[:4] == ["Service", "Bil", "Cykel", "Till fots"], headers
    assert len(rows) >= 10, "one row per service category"
    services = [row[0] for row in rows]
    assert "Apotek" in services and "Vårdcentral" in services
    times = [cell for row in rows for cell in row[1:4]]
    assert all(cell.endswith("min") or cell == "ej nåbar" for cell in times), times
    assert sum(cell.endswith("min") for cell in times) >= len(times) // 2
    # On a phone the times must be on screen, not behind a sideways scroll.
    bike_header = page.locator("[data-testid=stTable] thead th", has_text="Till fots").first
    box = bike_header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"], box


def test_tapping_the_map_shows_travel_times_on_a_phone(
    app_server: Any, phone: Any, request_log: Any, screenshot_dir: Path
) -> None:
    page = phone
    page.goto(app_server.url)
    page.get_by_role("heading", name="Invånarkarta").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("heading", name="Planeringskarta").count() == 0
    frame = map_frame(page, SERVICE_MARKER)
    assert page.get_by_text("Välj din ort eller tryck på kartan", exact=False).count() > 0

    # Tap just below a village's name: labels do not take clicks, so the map gets the tap.
    box = _settled_box(page, frame.locator(".sk-label", has_text="Hällnäs").first)
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] + 4)
    _assert_swedish_times(page)
    home = map_frame(page, SERVICE_MARKER).locator(".sk-home[role=img]")
    home.wait_for(timeout=TIMEOUT_MS)
    assert home.get_attribute("aria-label") == "Din plats"
    assert _nearest_label(home) == "Hällnäs", "the pin is where I tapped"
    assert page.get_by_text("Inom 10 minuter").count() == 1

    whole_page_screenshot(page, screenshot_dir / "public_map_mobile.png", max_height=6_000)
    assert any(url.endswith("/app/static/leaflet/leaflet.js") for url in request_log.urls)
    assert request_log.foreign() == [], "every request must stay on this machine"


def test_choosing_a_locality_shows_travel_times(
    app_server: Any, phone: Any, request_log: Any
) -> None:
    page = phone
    page.goto(app_server.url)
    page.get_by_role("heading", name="Invånarkarta").wait_for(timeout=TIMEOUT_MS)
    map_frame(page, SERVICE_MARKER)
    choose(page, "Välj ort", "Tallforsen")
    _assert_swedish_times(page)
    map_frame(page, SERVICE_MARKER).locator(".sk-home[role=img]").wait_for(timeout=TIMEOUT_MS)
    # Tallforsen is the main town: its own pharmacy is minutes away by car.
    _headers, rows = _times_table(page)
    pharmacy = next(row for row in rows if row[0] == "Apotek")
    assert int(pharmacy[1].replace("\xa0", " ").split()[0]) <= 10, pharmacy
    assert request_log.foreign() == []


def test_english_switch_shows_english_headings(
    app_server: Any, phone: Any, request_log: Any
) -> None:
    page = phone
    page.goto(f"{app_server.url}/?lang=en")
    page.get_by_role("heading", name="Public map").wait_for(timeout=TIMEOUT_MS)
    map_frame(page, SERVICE_MARKER)
    choose(page, "Choose a locality", "Tallforsen")
    page.get_by_role("heading", name="Nearest services").wait_for(timeout=TIMEOUT_MS)
    headers, _rows = _times_table(page)
    assert headers[:4] == ["Service", "Car", "Bicycle", "Walking"], headers

    # And back to Swedish with the sidebar's language switch (the sidebar is folded on a phone).
    page.get_by_test_id("stExpandSidebarButton").or_(
        page.get_by_test_id("stSidebarCollapsedControl").locator("button")
    ).first.click()
    page.get_by_text("Svenska", exact=True).click()
    page.get_by_role("heading", name="Invånarkarta").wait_for(timeout=TIMEOUT_MS)
    assert request_log.foreign() == []


def test_accessibility_basics(app_server: Any, phone: Any) -> None:
    page = phone
    page.goto(app_server.url)
    page.get_by_role("heading", name="Invånarkarta").wait_for(timeout=TIMEOUT_MS)
    frame = map_frame(page, SERVICE_MARKER)

    markers = frame.locator(".sk-svc[role=img]")
    assert markers.count() >= 5
    labels = markers.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label') || '')")
    assert all(label.strip() for label in labels), "every service marker has an accessible name"
    assert frame.locator(".leaflet-control-zoom-in").get_attribute("aria-label")

    # Every form control on the page has a label a screen reader can announce.
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea, select')]
            .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
            .filter(el => !(el.labels && el.labels.length)
                          && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby'))
            .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unlabelled == [], unlabelled
    for label in ("Välj ort", "Vad saknas?", "Beskriv behovet kort", "Hur många berörs?"):
        assert page.get_by_label(label).count() >= 1, label
    # Streamlit writes <html lang="en"> itself; at least a language is declared.
    assert page.evaluate("document.documentElement.lang")
    assert page.title()
