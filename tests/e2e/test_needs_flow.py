"""A need registered by a resident reaches the planners, and the public only in aggregate.

The issue's "done when": a need registered on the public page in chromium shows up in the
planner's review list and analysis, and the public map publishes its 1 km cell only once the
cell holds ``settings.PUBLIC_MIN_NEEDS_PER_CELL`` needs.  The public page must never carry the
needs' text, contact details or exact coordinates.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import pytest

from analysis import accessibility, io, needs, settings
from tests.e2e.helpers import MAP_IFRAME, TIMEOUT_MS, cell_of, choose, grid_showing, select_row

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CELLS_CAPTION = re.compile(r"Registrerade behov visas i (\d+) rutor")
RECEIPT = re.compile(r"sparat med kod ([0-9A-Z-]+)")


@dataclass(frozen=True)
class Target:
    """A locality whose form location lies in a 1 km cell without any seeded demo need."""

    locality_id: str
    name: str
    cell_id: str
    lon: float
    lat: float


@pytest.fixture(scope="module")
def target() -> Target:
    """The first locality (by name) whose representative point is in a cell with no demo need."""
    region = io.load_region(settings.DEFAULT_REGION)
    assert region.needs is not None and len(region.needs) > 0, "the demo region has needs"
    seeded = {cell_of(point.x, point.y) for point in region.needs.geometry}
    for row in region.localities.sort_values("name").itertuples():
        # The point the form uses when a locality is chosen (see analysis.needs).
        point = needs._locality_point(region, str(row.locality_id))
        assert point is not None
        cell = cell_of(point.x, point.y)
        if cell not in seeded:
            lon, lat = accessibility.metric_to_lonlat(point)
            return Target(str(row.locality_id), str(row.name), cell, float(lon), float(lat))
    pytest.skip("every locality's point lies in a cell with demo needs")


def _open_public(page: Any, url: str) -> int:
    """Open the public map as a new visitor; return how many cells it says it publishes."""
    page.goto(url)
    page.get_by_role("heading", name="Invånarkarta").wait_for(timeout=TIMEOUT_MS)
    caption = page.get_by_text(CELLS_CAPTION)
    caption.wait_for(timeout=TIMEOUT_MS)
    page.frame_locator(MAP_IFRAME).first.locator(".sk-svc[role=img]").first.wait_for(
        timeout=TIMEOUT_MS
    )
    match = CELLS_CAPTION.search(caption.inner_text())
    assert match
    return int(match.group(1))


def register_need(page: Any, locality: str, text: str, contact: str | None) -> str:
    """Fill in the public form (location by locality) and send it; return the receipt code."""
    form = page.get_by_test_id("stForm").first
    form.scroll_into_view_if_needed()
    choose(page, "Var?", locality)
    form.get_by_role("textbox", name="Beskriv behovet kort").fill(text)
    if contact is not None:
        form.get_by_role("textbox", name="Kontaktuppgift", exact=False).fill(contact)
    form.get_by_role("button", name="Skicka").click()
    receipt = page.get_by_text(RECEIPT)
    receipt.wait_for(timeout=TIMEOUT_MS)
    match = RECEIPT.search(receipt.inner_text())
    assert match
    return match.group(1)


def _all_html(page: Any) -> str:
    """The main document and every iframe's document, as HTML."""
    parts = [page.content()]
    for frame in page.frames:
        if frame is not page.main_frame:
            parts.append(frame.content())
    return "\n".join(parts)


def _assert_nothing_private(page: Any, private_texts: list[str], target: Target) -> None:
    """No free text, no contact, and not the registered point as a coordinate pair."""
    html = _all_html(page)
    for value in private_texts:
        assert value not in html, f"the public page leaks {value!r}"
    # A single number to 5 decimals may well occur among the map's road coordinates; a pair
    # (either order, JSON or Leaflet style) is the position itself.
    lon, lat = re.escape(f"{target.lon:.5f}"), re.escape(f"{target.lat:.5f}")
    pair = re.compile(rf"{lat}\d*[\s,\]\[]+{lon}|{lon}\d*[\s,\]\[]+{lat}")
    assert not pair.search(html), "the public page leaks the registered position"


def test_a_need_goes_to_planners_and_is_published_only_with_five(
    app_server: Any, page: Any, planner: Any, target: Target, request_log: Any
) -> None:
    token = secrets.token_hex(4)
    texts = [f"E2E-behov {token} nummer {i}: bussen går för sällan" for i in range(5)]
    contact = f"e2e-{token}@example.invalid"
    private = [*texts, f"E2E-behov {token}", contact]

    cells_before = _open_public(page, app_server.url)
    codes = []
    for i, text in enumerate(texts):
        codes.append(register_need(page, target.name, text, contact if i == 0 else None))
        cells_now = _open_public(page, app_server.url)
        _assert_nothing_private(page, private, target)
        k = settings.PUBLIC_MIN_NEEDS_PER_CELL
        if i + 1 < k:
            assert cells_now == cells_before, f"published with only {i + 1} needs in the cell"
        else:
            assert cells_now == cells_before + 1, f"not published with {i + 1} needs in the cell"
    assert len(set(codes)) == len(codes)
    assert request_log.foreign() == []

    # The planner sees them: filter the list to the locality, find the text and the code.
    review = planner
    review.get_by_role("link", name="Registrerade behov").click()
    review.get_by_text("behov matchar filtren").wait_for(timeout=TIMEOUT_MS)
    review.get_by_text("Filter", exact=True).click()
    choose(review, "Ort", target.name)
    review.keyboard.press("Escape")
    grid = grid_showing(review, token)
    cells = grid.locator("td").all_inner_texts()
    for code, text in zip(codes, texts, strict=True):
        assert code in cells, code
        assert text in cells, text
    # The contact details are for planners' eyes: the first need's detail view shows them.
    select_row(review, grid, texts[0])
    review.get_by_role("heading", name=f"Behov {codes[0]}").wait_for(timeout=TIMEOUT_MS)
    assert review.get_by_text(contact, exact=True).count() == 1

    # The analysis tab counts them under their locality.
    review.get_by_role("tab", name="Analys").click()
    review.get_by_text("Behov per ort och kategori").wait_for(timeout=TIMEOUT_MS)
    per_locality = review.locator("[data-testid=stDataFrame]").filter(
        has=review.locator("th", has_text="Antal behov")
    )
    per_locality.first.wait_for(timeout=TIMEOUT_MS)
    headers = [th.strip() for th in per_locality.first.locator("thead th").all_inner_texts()]
    assert headers == ["Ort", "Kategori", "Antal behov", "Berörda"], headers
    rows = [
        [cell.strip() for cell in tr.locator("td").all_inner_texts()]
        for tr in per_locality.first.locator("tbody tr").all()
    ]
    counted = sum(int(r[2]) for r in rows if r and r[0] == target.name)
    assert counted >= len(texts), rows
    assert request_log.foreign() == []
