"""Access control in a real browser (issue 6): planner pages are closed to anyone not logged in.

An anonymous visitor who opens a planner address directly gets the public map (or the login
page) and never sees planner content, not even for a moment while the page loads: a
MutationObserver, installed before any page script runs, records every heading, alert and text
block the browser ever showed.  A wrong password changes nothing, and every request stays on
this machine.
"""

from __future__ import annotations

from typing import Any

import pytest

from analysis import io, settings

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TIMEOUT_MS = 60_000
PLANNER_PATHS = ("planeringskarta", "behov", "scenarier", "fullmaktige", "importera")
#: Titles of the planner pages (analysis.i18n "nav.*"): none may ever be a heading.
PLANNER_TITLES = (
    "Planeringskarta",
    "Registrerade behov",
    "Scenarier",
    "Fullmäktigeläge",
    "Importera data",
)
ALLOWED_TITLES = ("Invånarkarta", "Logga in som planerare")
#: The links of the app's own menu (ui.page.menu) in the sidebar.
MENU_LINKS = "[data-testid=stSidebar] [data-testid=stPageLink-NavLink]"

#: Records the text of every heading, alert and Markdown block that is ever attached.
WATCH_SCRIPT = """
(() => {
  window.__seen = [];
  const pick = 'h1, h2, h3, [role=alert], [data-testid=stMarkdownContainer], '
    + '[data-testid=stMetric], [data-testid=stDataFrame], iframe';
  const note = (node) => {
    if (node.nodeType === 3 && node.parentElement) node = node.parentElement;  // text changed
    if (node.nodeType !== 1) return;
    const found = node.closest(pick) ? [node.closest(pick)] : [];
    found.push(...node.querySelectorAll(pick));
    for (const element of found) {
      const text = element.tagName === 'IFRAME'
        ? 'iframe:' + (element.getAttribute('title') || '')
        : element.tagName + ':' + (element.textContent || '').slice(0, 3000);
      window.__seen.push(text);
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      record.addedNodes.forEach(note);
      if (record.type === 'characterData' && record.target.parentElement) {
        note(record.target.parentElement);
      }
    }
  }).observe(document, {childList: true, subtree: true, characterData: true});
})();
"""


@pytest.fixture(scope="module")
def need_texts() -> list[str]:
    """Free texts of the demo region's registered needs (planner-only content)."""
    texts = io.load_region(settings.DEFAULT_REGION).needs["text"].dropna().astype(str)
    return [text for text in texts if len(text) > 20]


def _settle(page: Any) -> None:
    """Wait for a page title and for Streamlit to finish running the page."""
    heading = page.get_by_role("heading", level=1)
    heading.first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for(
        timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(1_000)  # late elements (map iframes) attach


def _everything_shown(page: Any) -> str:
    """What the browser ever showed (observer log) plus the current text of every frame."""
    seen = [str(item) for frame in page.frames for item in (frame.evaluate("window.__seen || []"))]
    current = [
        str(frame.evaluate("document.body ? document.body.innerText : ''")) for frame in page.frames
    ]
    return "\n".join(seen + current)


def _assert_refused(page: Any, need_texts: list[str], where: str) -> None:
    shown = _everything_shown(page)
    for title in PLANNER_TITLES:
        for tag in ("H1", "H2", "H3"):
            assert f"{tag}:{title}" not in shown, f"{where}: planner heading {title!r} shown"
    leaked = [text for text in need_texts if text[:60] in shown]
    assert leaked == [], f"{where}: need texts shown: {leaked[:3]}"
    title = page.get_by_role("heading", level=1).first.inner_text().strip()
    assert title in ALLOWED_TITLES, f"{where}: landed on {title!r}"
    # The menu offers the public pages and the login only.
    links = [link.strip() for link in page.locator(MENU_LINKS).all_inner_texts()]
    assert not set(links) & set(PLANNER_TITLES), f"{where}: planner links {links}"
    assert "Logga in som planerare" in links, links
    assert page.get_by_role("button", name="Logga ut").count() == 0


@pytest.mark.parametrize("path", PLANNER_PATHS)
def test_anonymous_visitor_is_refused(
    app_server: Any, page: Any, request_log: Any, need_texts: list[str], path: str
) -> None:
    page.add_init_script(WATCH_SCRIPT)
    page.goto(f"{app_server.url}/{path}")
    _settle(page)
    _assert_refused(page, need_texts, f"/{path}")
    assert request_log.foreign() == []


def test_wrong_password_is_still_refused(
    app_server: Any, page: Any, request_log: Any, need_texts: list[str]
) -> None:
    page.add_init_script(WATCH_SCRIPT)
    page.goto(app_server.url)
    _settle(page)
    page.get_by_role("link", name="Logga in som planerare").click()
    page.get_by_label("Lösenord").fill(app_server.planner_password + "x")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Fel lösenord", exact=False).wait_for(timeout=TIMEOUT_MS)
    _settle(page)
    _assert_refused(page, need_texts, "after a wrong password")
    for path in ("scenarier", "behov"):
        page.goto(f"{app_server.url}/{path}")
        _settle(page)
        _assert_refused(page, need_texts, f"/{path} after a wrong password")
    assert request_log.foreign() == []


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("invanarkarta", "Invånarkarta"),
        ("om", "Om Servicekartan"),
        ("logga-in", "Logga in som planerare"),
        *((path, "Logga in som planerare") for path in PLANNER_PATHS),
    ],
)
def test_every_address_opens_its_page(app_server: Any, page: Any, path: str, title: str) -> None:
    """A bookmark or a link opens its page in Swedish: never Streamlit's "Page not found"."""
    page.goto(f"{app_server.url}/{path}")
    _settle(page)
    assert page.get_by_role("heading", level=1).first.inner_text().strip() == title
    assert page.locator("[data-testid=stDialog]").count() == 0, "a dialog covers the page"
    assert "Page not found" not in page.locator("body").inner_text()


def test_login_on_a_planner_address_opens_that_page(app_server: Any, page: Any) -> None:
    page.goto(f"{app_server.url}/scenarier")
    _settle(page)
    page.get_by_label("Lösenord").fill(app_server.planner_password)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_role("heading", name="Scenarier", level=1).wait_for(timeout=TIMEOUT_MS)
    links = [link.strip() for link in page.locator(MENU_LINKS).all_inner_texts()]
    assert set(PLANNER_TITLES) <= set(links), links
    assert "Logga in som planerare" not in links
