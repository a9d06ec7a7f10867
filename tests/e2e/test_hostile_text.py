"""Hostile text in a registered need stays text: in the planner's list, detail and map popups.

Needs whose description or contact is HTML, a ``javascript:`` URL, right-to-left script or emoji
are registered on the public page; nothing of it may run (``window.__xss`` stays undefined in
the page and in the map iframes) and the planner sees it literally.  Invalid needs (empty or
over-long text) are refused with a Swedish message that says what to fix, and nothing is stored.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from analysis import io, needs, settings
from tests.e2e.helpers import MAP_IFRAME, TIMEOUT_MS, cell_of, choose, grid_showing, select_row

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RECEIPT = re.compile(r"sparat med kod ([0-9A-Z-]+)")
COUNT = re.compile(r"([\d\s\u00a0\u202f]+) behov matchar filtren")

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
JS_URL = "javascript:window.__xss=1"
RTL_EMOJI = "مكتبة متنقلة كل أسبوع — ספרייה ניידת 📚🚌"


@pytest.fixture(scope="module")
def quiet_locality() -> str:
    """The name of the locality with the fewest demo needs (so its filtered list is short).

    Only localities whose form location (see ``analysis.needs``) lies in a 1 km cell that
    already holds demo needs qualify: the empty cells are left to ``test_needs_flow``, which
    counts needs in one of them.
    """
    region = io.load_region(settings.DEFAULT_REGION)
    assert region.needs is not None
    counts = region.needs.groupby("locality_id").size()
    seeded = {cell_of(point.x, point.y) for point in region.needs.geometry}
    candidates = []
    for row in region.localities.itertuples():
        point = needs._locality_point(region, str(row.locality_id))
        if point is not None and cell_of(point.x, point.y) in seeded:
            candidates.append((int(counts.get(row.locality_id, 0)), str(row.name)))
    assert candidates
    return min(candidates)[1]


def _open_public(page: Any, url: str) -> Any:
    page.goto(url)
    page.get_by_role("heading", name="Invånarkarta").wait_for(timeout=TIMEOUT_MS)
    form = page.get_by_test_id("stForm").first
    form.wait_for(timeout=TIMEOUT_MS)
    return form


def _fill_and_send(page: Any, locality: str, text: str, contact: str | None) -> None:
    form = page.get_by_test_id("stForm").first
    form.scroll_into_view_if_needed()
    choose(page, "Var?", locality)
    form.get_by_role("textbox", name="Beskriv behovet kort").fill(text)
    form.get_by_role("textbox", name="Kontaktuppgift", exact=False).fill(contact or "")
    form.get_by_role("button", name="Skicka").click()


def _new_receipt(page: Any, seen: list[str]) -> str:
    """Wait for a receipt whose code is not among ``seen`` (the form stays for the next need)."""
    for _ in range(TIMEOUT_MS // 250):
        for text in page.get_by_text(RECEIPT).all_inner_texts():
            match = RECEIPT.search(text)
            if match and match.group(1) not in seen:
                return match.group(1)
        page.wait_for_timeout(250)
    raise AssertionError("no new receipt")


def _xss_fired(page: Any) -> list[str]:
    """The documents (page and iframes) in which ``window.__xss`` got set.

    A frame that a Streamlit rerun removes while it is asked is gone, with whatever ran in it;
    the page itself and the frames that stay are always checked.
    """
    fired = []
    for frame in page.frames:
        try:
            if frame.evaluate("() => typeof window.__xss !== 'undefined'"):
                fired.append(frame.url)
        except Exception as error:  # noqa: BLE001 - only a detached frame may be skipped
            if frame is page.main_frame or not frame.is_detached():
                raise AssertionError(f"could not check {frame.url}") from error
    return fired


def _stored_count(review: Any) -> int:
    """Open the planner's needs list afresh (no filters); read how many needs it holds.

    The planner goes by the menu (a reload would start a new session, logged out).
    """
    review.get_by_role("link", name="Planeringskarta").click()
    review.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    review.get_by_role("link", name="Registrerade behov").click()
    review.get_by_role("heading", name="Registrerade behov").wait_for(timeout=TIMEOUT_MS)
    caption = review.get_by_text(COUNT)
    caption.wait_for(timeout=TIMEOUT_MS)
    match = COUNT.search(caption.inner_text())
    assert match
    return int(re.sub(r"\D", "", match.group(1)))


_OPEN_POPUPS_JS = """(token) => {
    // Open, as a click would, the popup of every feature whose properties mention ``token``.
    const maps = Object.keys(window).map(k => { try { return window[k]; }
                                                catch (e) { return null; } })
                                    .filter(v => v instanceof L.Map);
    // folium may name one map twice (``map`` and ``map_<id>``): visit each once.
    const texts = [];
    for (const map of new Set(maps)) {
        map.eachLayer(layer => {
            if (layer.feature && layer.getLatLng
                && JSON.stringify(layer.feature.properties).includes(token)) {
                // The popup is bound to the GeoJSON group: let the click bubble up to it.
                layer.fire('click', {latlng: layer.getLatLng()}, true);
                const content = document.querySelector('.leaflet-popup-content');
                texts.push({
                    text: content ? content.innerText : null,
                    elements: content ? [...content.querySelectorAll('script, img, a, iframe')]
                        .map(e => e.tagName) : null,
                });
                map.closePopup();
            }
        });
    }
    return texts;
}"""


def _popups_with(page: Any, token: str) -> list[dict[str, Any]]:
    """The text and dangerous elements of the map popups of the needs that carry ``token``."""
    page.frame_locator(MAP_IFRAME).first.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function(
        "(token) => document.documentElement.innerHTML.includes(token)",
        arg=token,
        timeout=TIMEOUT_MS,
    )
    return list(frame.evaluate(_OPEN_POPUPS_JS, token))


def test_hostile_needs_are_stored_and_shown_as_text(
    app_server: Any,
    page: Any,
    planner: Any,
    quiet_locality: str,
    request_log: Any,
    screenshot_dir: Path,
) -> None:
    token = f"HOSTILE{secrets.token_hex(3)}"
    hostile = [
        (f"{token} a {SCRIPT}", IMG),
        (f"{token} b {IMG}", JS_URL),
        (f"{token} c {JS_URL}", SCRIPT),
        (f"{token} d {RTL_EMOJI}", None),
    ]
    _open_public(page, app_server.url)
    codes: list[str] = []
    for text, contact in hostile:
        _fill_and_send(page, quiet_locality, text, contact)
        codes.append(_new_receipt(page, codes))
        assert _xss_fired(page) == []

    # The planner's list, filtered to the locality, shows every text literally.
    review = planner
    review.get_by_role("link", name="Registrerade behov").click()
    review.get_by_text(COUNT).wait_for(timeout=TIMEOUT_MS)
    review.get_by_text("Filter", exact=True).click()
    choose(review, "Ort", quiet_locality)
    review.keyboard.press("Escape")
    grid = grid_showing(review, token, at_least=len(hostile))
    cells = grid.locator("td").all_inner_texts()
    for code, (text, _contact) in zip(codes, hostile, strict=True):
        assert code in cells
        assert text in cells, f"{text!r} is not shown literally in the list"
    assert _xss_fired(review) == []

    # The detail view of each shows text and contact as plain text.
    for code, (text, contact) in zip(codes, hostile, strict=True):
        select_row(review, grid, text)
        review.get_by_role("heading", name=f"Behov {code}").wait_for(timeout=TIMEOUT_MS)
        shown = review.get_by_test_id("stText").all_inner_texts()
        assert text in shown, shown
        if contact is not None:
            assert contact in shown, shown
        else:
            assert review.get_by_text("Kontaktuppgift (endast", exact=False).count() == 0, shown
        assert _xss_fired(review) == []

    review.screenshot(path=str(screenshot_dir / "needs_review_hostile.png"), full_page=True)

    # The review page's map, as points: the popups carry the text, escaped.
    review.get_by_role("tab", name="Karta").click()
    popups = _popups_with(review, token)
    assert len(popups) == len(hostile), popups
    for popup in popups:
        assert popup["elements"] == [], popup
    popup_texts = " ".join(str(popup["text"]) for popup in popups)
    for text, _contact in hostile:
        assert text in popup_texts, f"{text!r} is not shown literally in a popup"
    assert _xss_fired(review) == []

    # And the planner map, whose needs layer is on by default.
    review.get_by_role("link", name="Planeringskarta").click()
    review.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    popups = _popups_with(review, token)
    assert len(popups) == len(hostile), popups
    assert all(popup["elements"] == [] for popup in popups), popups
    assert all(any(text in str(p["text"]) for p in popups) for text, _c in hostile)
    assert _xss_fired(review) == []
    assert request_log.foreign() == []


def test_invalid_needs_are_refused_in_swedish(
    app_server: Any, page: Any, planner: Any, quiet_locality: str
) -> None:
    stored_before = _stored_count(planner)
    _open_public(page, app_server.url)

    _fill_and_send(page, quiet_locality, "", None)
    page.get_by_text("Behovet sparades inte. Rätta följande:").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Beskriv behovet med några ord.").count() == 1

    limit = settings.NEED_TEXT_MAX_CHARS
    long_text = "Vi behöver en bokbuss. " * 30
    assert len(long_text.strip()) > limit
    _fill_and_send(page, quiet_locality, long_text, None)
    message = page.get_by_text(f"korta den till högst {limit} tecken")
    message.wait_for(timeout=TIMEOUT_MS)
    assert f"Beskrivningen är {len(long_text.strip())} tecken" in message.inner_text()
    # What was written is still there to shorten.
    field = page.get_by_role("textbox", name="Beskriv behovet kort")
    assert field.input_value() == long_text
    assert page.get_by_text(RECEIPT).count() == 0

    assert _stored_count(planner) == stored_before, "nothing is stored"
