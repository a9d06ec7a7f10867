"""The page declares its language, so screen readers pronounce Swedish as Swedish."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_html_lang_follows_the_language_switch(app_server: Any, page: Any) -> None:
    page.goto(app_server.url)
    page.get_by_role("heading", name="Invånarkarta").wait_for(timeout=60_000)
    page.wait_for_function("document.documentElement.lang === 'sv'", timeout=20_000)
    page.goto(app_server.url + "/?lang=en")
    page.get_by_role("heading", name="Public map").wait_for(timeout=60_000)
    page.wait_for_function("document.documentElement.lang === 'en'", timeout=20_000)
