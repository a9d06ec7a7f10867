"""Every page on the county-size region Exempellän, in a real browser (issue 12).

The county is built by its one command into the app's folder of imported regions, with its
baseline travel times (``python -m analysis precompute``), a hub scenario is saved in the app's
store, and a planner walks through every page on it: each opens with its title, the county's
fictional-data banner, its maps drawn and no error; the council view's PDF brief downloads.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from analysis import io, store
from analysis.scenarios import Change
from tests.e2e.conftest import ROOT
from tests.e2e.helpers import MAP_IFRAME, TIMEOUT_MS, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

COUNTY = "exempellan"
#: (menu link, page title, maps the page shows)
PLANNER_PAGES = (
    ("Registrerade behov", "Registrerade behov", 0),
    ("Scenarier", "Scenarier", 1),
    ("Fullmäktigeläge", "Fullmäktigeläge", 2),
    ("Importera data", "Importera data", 0),
    ("Planeringskarta", "Planeringskarta", 1),
)
#: A map frame with its features drawn (paths or markers).
DRAWN_MAPS_JS = """(features) => [...document.querySelectorAll('iframe[title*="folium"]')]
    .filter(frame => frame.contentDocument
        && frame.contentDocument.querySelectorAll('path, .leaflet-marker-icon').length >= features)
    .length"""


@pytest.fixture(scope="module")
def county(app_server: Any) -> str:
    """The county built into the running app's imported regions, with a saved hub scenario."""
    env = {**os.environ, "SERVICEKARTAN_DATA_DIR": str(app_server.data_dir)}
    venv = ROOT / ".venv" / "bin" / "python"
    python = str(venv) if venv.is_file() else sys.executable
    for command in (
        ["-m", "geodata.exempellan", "--out", str(app_server.regions_dir)],
        ["-m", "analysis", "precompute", "--region", COUNTY, "--if-missing"],
    ):
        subprocess.run([python, *command], cwd=ROOT, env=env, check=True, timeout=900)
    region = io.load_region(COUNTY, search_dirs=(app_server.regions_dir,))
    halls = region.sites.loc[region.sites["kind"] == "village_hall"].sort_values("site_id")
    hub = Change(
        "hub",
        site_id=str(halls["site_id"].iloc[len(halls) // 2]),
        categories=("grocery_convenience", "pharmacy_agent", "parcel_agent"),
    )
    database = store.open_store(app_server.database_path)
    store.save_scenario(
        database,
        COUNTY,
        "Servicepunkt i länet (e2e)",
        "Testplanerare",
        [hub.to_json()],
        parameters={"mode": "car", "threshold_min": 20},
    )
    return COUNTY


def _opened(page: Any, title: str, maps: int) -> None:
    """The page shows ``title``, the county's banner, ``maps`` drawn maps and no error."""
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    if maps:
        page.wait_for_function(f"({DRAWN_MAPS_JS})(20) >= {maps}", timeout=TIMEOUT_MS)
    assert page.locator("[data-testid=stException]").count() == 0, title
    assert "Exempellän" in page.locator("[data-testid=stAlert]").first.inner_text(), title
    errors = page.locator("[data-testid=stAlertContentError]").all_inner_texts()
    assert errors == [], (title, errors)


def test_every_page_opens_on_the_county(
    app_server: Any, page: Any, county: str, tmp_path: Any
) -> None:
    page.goto(f"{app_server.url}/invanarkarta?region={county}")
    _opened(page, "Invånarkarta", 1)
    page.get_by_role("link", name="Om Servicekartan").first.click()
    _opened(page, "Om Servicekartan", 0)

    page.get_by_role("link", name="Logga in som planerare").click()
    page.get_by_label("Lösenord").fill(app_server.planner_password)
    page.get_by_role("button", name="Logga in").click()
    _opened(page, "Planeringskarta", 1)
    for link, title, maps in PLANNER_PAGES:
        page.get_by_role("link", name=link, exact=True).first.click()
        _opened(page, title, maps)
        if title == "Fullmäktigeläge":
            assert page.locator("[data-testid=stMetricValue]").count() >= 4
            with page.expect_download(timeout=TIMEOUT_MS) as download_info:
                page.get_by_role("button", name="Ladda ned beslutsunderlag (PDF)").click()
            pdf = tmp_path / "brief.pdf"
            download_info.value.save_as(pdf)
            assert pdf.read_bytes().startswith(b"%PDF")
    assert page.locator(MAP_IFRAME).count() >= 1
