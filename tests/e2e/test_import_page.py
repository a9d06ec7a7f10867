"""The import page in a real browser: upload the importer's test world, see the quality report,
choose the new region in the sidebar and open the planner map on it; a hostile upload is refused
in Swedish and adds no region."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import MAP_IFRAME, TIMEOUT_MS, choose
from tests.fixtures.importer_world import folder_digest, write_world

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REGION_ID = "testby-webb"
REGION_NAME = "Testby från webben"
HOSTILE_ID = "fientlig"
VRT = (
    '<OGRVRTDataSource><OGRVRTLayer name="kommuner">'
    "<SrcDataSource>/etc/passwd</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>\n"
)


def _open_import_page(page: Any) -> None:
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Importera data").click()
    page.get_by_role("heading", name="Importera data").wait_for(timeout=TIMEOUT_MS)
    page.get_by_test_id("stForm").first.wait_for(timeout=TIMEOUT_MS)


def _upload(page: Any, label: str, path: Path) -> None:
    """Put ``path`` into the file uploader whose label contains ``label``; wait until listed."""
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    uploader.wait_for(state="attached", timeout=TIMEOUT_MS)  # exactly one (strict locator)
    uploader.locator("input[type=file]").set_input_files(str(path))
    uploader.get_by_text(path.name).wait_for(timeout=TIMEOUT_MS)


def _fill_form(page: Any, region_id: str, name: str, files: dict[str, Path]) -> None:
    form = page.get_by_test_id("stForm").first
    form.get_by_role("textbox", name="Områdets id").fill(region_id)
    form.get_by_role("textbox", name="Namn som visas i appen").fill(name)
    form.get_by_role("textbox", name="Kommunkod", exact=False).fill("9999")
    _upload(page, "OSM-extrakt", files["osm_path"])
    _upload(page, "Kommungränser", files["boundary_path"])
    _upload(page, "Befolkningsrutor", files["population_path"])
    form.get_by_role("button", name="Starta import").click()


def _region_options(page: Any) -> list[str]:
    """The names offered by the sidebar's "Område" select box (the list is opened and closed)."""
    page.get_by_label("Område", exact=True).first.click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=TIMEOUT_MS)
    names = [text.strip() for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return names


def _chosen_region(page: Any) -> str:
    """The name shown in the sidebar's "Område" select box."""
    sidebar = page.get_by_test_id("stSidebar")
    picker = sidebar.get_by_test_id("stSelectbox").filter(has_text="Område")
    return str(picker.evaluate("e => (e.querySelector('input') || {}).value || e.innerText"))


def _errors(page: Any) -> list[str]:
    alerts = page.get_by_test_id("stAlertContentError").all_inner_texts()
    return alerts + page.get_by_test_id("stException").all_inner_texts()


def test_hostile_boundary_is_refused_and_adds_no_region(
    app_server: Any, planner_page: Any, request_log: Any, tmp_path: Path
) -> None:
    page = planner_page
    files = write_world(tmp_path / "world")
    hostile = tmp_path / "kommuner.geojson"
    hostile.write_text(VRT, encoding="utf-8")
    regions = app_server.regions_dir
    on_disk = folder_digest(regions)
    _open_import_page(page)
    before = _region_options(page)
    _fill_form(page, HOSTILE_ID, "Fientlig", {**files, "boundary_path": hostile})

    failed = page.get_by_text("Importen avbröts och inget sparades", exact=False)
    failed.wait_for(timeout=TIMEOUT_MS)
    message = page.get_by_test_id("stAlertContentError").first.inner_text()
    assert "Importen avbröts" in message
    assert "avvisas" in message, "says that the file was refused, and why"
    assert "Traceback" not in message and "Error" not in message
    assert len(message) > len("Importen avbröts och inget sparades.") + 10, "says what is wrong"
    assert folder_digest(regions) == on_disk, "nothing written to the regions folder"
    # A reload would start a new, logged-out session: go round the menu instead.
    page.get_by_role("link", name="Planeringskarta").click()
    _open_import_page(page)
    after = _region_options(page)
    assert after == before
    assert not any("Fientlig" in name for name in after)
    assert request_log.foreign() == []


def test_import_then_planner_map_on_the_new_region(
    planner_page: Any, request_log: Any, screenshot_dir: Path, tmp_path: Path
) -> None:
    page = planner_page
    files = write_world(tmp_path / "world")
    _open_import_page(page)
    _fill_form(page, REGION_ID, REGION_NAME, files)

    page.get_by_text(f"Området {REGION_NAME} ({REGION_ID}) är importerat", exact=False).wait_for(
        timeout=TIMEOUT_MS
    )
    page.get_by_text(f"Rapport för området {REGION_ID}").wait_for(timeout=TIMEOUT_MS)
    report = page.get_by_test_id("stDataFrame").last
    report.wait_for(timeout=TIMEOUT_MS)
    assert _errors(page) == []
    page.wait_for_timeout(1000)  # let the table draw before the picture
    page.screenshot(path=str(screenshot_dir / "import_page.png"), full_page=True)

    choose(page, "Område", REGION_NAME)
    page.get_by_role("link", name="Planeringskarta").click()
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
    frame.locator(".sk-svc[role=img]").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)  # let Leaflet finish drawing
    assert _chosen_region(page) == REGION_NAME
    assert _errors(page) == []
    assert page.get_by_text("Fiktiva demodata", exact=False).count() == 0
    page.screenshot(path=str(screenshot_dir / "import_planner_map.png"), full_page=True)
    assert request_log.foreign() == [], "every request must stay on this machine"
