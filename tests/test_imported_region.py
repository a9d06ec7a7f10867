"""Issue 7 "done when": a region built from local files on the command line works in the app.

The importer's test world (``tests/fixtures/importer_world.py``) is built with the command line
(``python -m analysis import build ...``) into ``settings.IMPORTED_REGIONS_DIR`` (a throw-away
folder for the test run, see the root ``conftest.py``).  Then every page of the app is run on
it with AppTest: no exception, the page title, the imported region chosen in the sidebar and no
"fictional data" banner; the import page shows the region's data-quality report.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import io, settings
from analysis.cli import main as cli_main
from analysis.i18n import t
from tests.fixtures.importer_world import write_world

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
REGION_ID = "testby-import"
REGION_NAME = "Testby importerad"
FICTIONAL_MARK = "Fiktiva demodata"


@pytest.fixture(scope="module")
def imported_region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Build the test world with the command line into the imported-regions folder."""
    world = write_world(tmp_path_factory.mktemp("import-world"))
    target = settings.IMPORTED_REGIONS_DIR / REGION_ID
    assert not target.exists(), "the region id is this module's own"
    status = cli_main(
        [
            "import",
            "build",
            "--region-id",
            REGION_ID,
            "--name",
            REGION_NAME,
            "--municipality",
            "9999",
            "--osm",
            str(world["osm_path"]),
            "--boundary",
            str(world["boundary_path"]),
            "--population",
            str(world["population_path"]),
        ]
    )
    assert status == 0
    yield target
    shutil.rmtree(target, ignore_errors=True)


def _texts(at: AppTest) -> list[str]:
    """Every text the page shows (titles, Markdown, captions, alerts, select options)."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success"):
        texts += [str(element.value) for element in getattr(at, kind)]
    texts += [str(element.value) for element in at.warning]
    texts += [str(element.value) for element in at.error]
    for select in at.selectbox:
        texts += [str(option) for option in select.options]
    return texts


def _app_on(page_path: str, lang: str = "sv") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["planner_authenticated"] = page_path != "pages/login.py"
    at.session_state["region_id"] = REGION_ID
    at.run()
    at.switch_page(page_path)
    at.run()
    return at


def test_command_line_package_is_listed(imported_region: Path) -> None:
    assert (imported_region / "region.json").is_file()
    assert (imported_region / "quality_report.json").is_file()
    infos = {info.region_id: info for info in io.list_regions()}
    assert REGION_ID in infos
    assert infos[REGION_ID].name == REGION_NAME
    assert not infos[REGION_ID].fictional
    assert settings.DEFAULT_REGION in infos, "the demo region is still there"


@pytest.mark.parametrize("page_path", PAGES)
def test_every_page_works_on_the_imported_region(imported_region: Path, page_path: str) -> None:
    del imported_region  # built by the fixture
    at = _app_on(page_path)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    assert at.session_state["region_id"] == REGION_ID, "the picker keeps the imported region"
    picker = at.sidebar.selectbox(key="region_choice")
    assert picker.value == REGION_ID
    assert REGION_NAME in picker.options
    texts = _texts(at)
    assert not any(FICTIONAL_MARK in text for text in texts), "no demo banner for a real region"
    # A page may say what is missing, but never show a raw error or traceback text.
    assert not any("Traceback" in text for text in texts)


def test_import_page_shows_the_quality_report(imported_region: Path) -> None:
    at = _app_on("pages/import_data.py")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any(REGION_ID in caption.value for caption in at.caption)
    assert at.subheader[0].value == t("import_ui.report", "sv")
    table = at.dataframe[0].value
    assert list(table.columns) == [
        t("import_ui.col_section", "sv"),
        t("import_ui.col_item", "sv"),
        t("import_ui.col_value", "sv"),
    ]
    assert len(table) >= 10
    report = json.loads((imported_region / "quality_report.json").read_text(encoding="utf-8"))
    shown = " ".join(str(value) for value in table.to_numpy().ravel())
    assert str(report["population_total"]) in shown.replace("\u00a0", "").replace(" ", "")
    # The Swedish notes of the report are shown (e.g. "costs are 0 for OSM services").
    assert any(note in shown for note in report["notes_sv"])


def test_about_page_names_the_imported_region(imported_region: Path) -> None:
    del imported_region
    at = _app_on("pages/about.py")
    assert any(REGION_NAME in text for text in _texts(at))


def test_planner_map_travel_times_on_the_imported_region(imported_region: Path) -> None:
    del imported_region
    at = _app_on("pages/planner_map.py")
    assert not at.exception, [e.value for e in at.exception]
    need = at.sidebar.selectbox(key="planner_map_time_need")
    assert t("need.groceries", "sv") in need.options
    need.select("groceries")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.sidebar.toggle(key="planner_map_by_category").set_value(True).run()
    category = at.sidebar.selectbox(key="planner_map_time_category")
    assert t("category.grocery_full", "sv") in category.options
    category.select("grocery_full")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    # 703 residents in the test world (the cell across the border is dropped)
    assert any("703" in caption.value for caption in at.caption)


def test_pages_in_english_on_the_imported_region(imported_region: Path) -> None:
    del imported_region
    for page_path in ("pages/planner_map.py", "pages/import_data.py", "pages/public_map.py"):
        at = _app_on(page_path, lang="en")
        assert not at.exception, (page_path, [e.value for e in at.exception])
        assert not any("Fictional demo data" in text for text in _texts(at)), page_path
