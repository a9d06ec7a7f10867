"""One AppTest smoke test per page: each renders on the demo region without an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture(scope="module", autouse=True)
def demo_region() -> None:
    if not (settings.BUILTIN_REGIONS_DIR / settings.DEFAULT_REGION / "region.json").is_file():
        pytest.fail(
            "The demo region is missing: run `bash scripts/setup.sh` (or the test command)."
        )


def _app(lang: str = "sv", planner: bool = True) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["planner_authenticated"] = planner
    return at


@pytest.mark.parametrize("page_path", PAGES)
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_page_renders_without_exception(page_path: str, lang: str) -> None:
    at = _app(lang, planner=page_path != "pages/login.py")
    at.run()
    at.switch_page(page_path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"


def test_fictional_region_is_labelled() -> None:
    at = _app()
    at.run()
    at.switch_page("pages/about.py")
    at.run()
    assert any("Fiktiva demodata" in info.value for info in at.info)


def test_language_switch_changes_titles() -> None:
    at = _app("sv")
    at.run()
    at.switch_page("pages/about.py")
    at.run()
    assert at.title[0].value == "Om Servicekartan"
    at.session_state["lang"] = "en"
    at.run()
    assert at.title[0].value == "About Servicekartan"


PLANNER_PAGES = [
    "pages/needs_review.py",
    "pages/scenarios.py",
    "pages/council.py",
    "pages/import_data.py",
    "pages/planner_map.py",
]


@pytest.mark.parametrize("page_path", PLANNER_PAGES)
def test_anonymous_user_is_refused_on_planner_pages(page_path: str) -> None:
    at = AppTest.from_file(str(ROOT / page_path), default_timeout=60)
    at.run()
    assert not at.exception
    assert any("bara för inloggade planerare" in error.value for error in at.error)


def test_anonymous_menu_has_no_planner_pages() -> None:
    at = _app(planner=False)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Invånarkarta"


def test_local_password_login(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.security import hash_password

    monkeypatch.setenv("SERVICEKARTAN_PLANNER_PASSWORD_HASH", hash_password("rätt-lösen"))
    at = AppTest.from_file(str(ROOT / "pages" / "login.py"), default_timeout=60)
    at.run()
    at.text_input[0].input("fel")
    at.button[0].click()
    at.run()
    assert any("Fel lösenord" in error.value for error in at.error)
    assert (
        "planner_authenticated" not in at.session_state
        or not at.session_state["planner_authenticated"]
    )
    at.text_input[0].input("rätt-lösen")
    at.button[0].click()
    at.run()
    assert at.session_state["planner_authenticated"] is True


@pytest.mark.parametrize("requested", ["exempelbygd", "okänd"])
def test_region_from_url(requested: str) -> None:
    at = _app(planner=False)
    at.query_params["region"] = requested
    at.run()
    assert not at.exception
    # an unknown id falls back to the first region in the picker (the demo region here)
    assert at.session_state["region_id"] == settings.DEFAULT_REGION
