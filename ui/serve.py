"""Start the app: ``python -m ui.serve [streamlit options]`` (what ``scripts/run.sh`` runs).

The same as ``streamlit run app.py [options]``, with one difference: Streamlit's old multipage
mode is off from the start.  Streamlit runs the first script of a freshly started server in
that mode whenever a ``pages/`` folder sits beside the main script, and in it every address
but the root is unknown: the first visitor after a restart who opens ``/invanarkarta`` or
``/om`` got an English "Page not found" dialog over the page.  ``app.py`` registers its pages
with ``st.navigation``, which turns that mode off, but only once it has run.

It also warms up while the server starts: a background thread imports what the pages use and
loads the default region with its baseline travel times into the shared caches, so the first
visitor after a restart does not wait for that (``SERVICEKARTAN_WARM_UP=0`` turns it off).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path

from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[1] / "app.py"


def warm_up() -> None:
    """Import the pages' modules and load the default region and its baseline (shared caches).

    It waits for Streamlit's runtime, and leaves the map component (streamlit-folium, imported
    by ``ui.page``) to the first page run: a component registers itself only when first
    imported inside a script run, so importing it here would leave the maps without it.
    """
    deadline = time.monotonic() + 60
    while not Runtime.exists():
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    try:
        from analysis import (
            maps,  # noqa: F401 - imported for what it imports (folium, pyproj)
            settings,
        )
        from analysis.errors import ServicekartanError
        from ui import data

        data.baseline(settings.DEFAULT_REGION)
    except (ServicekartanError, OSError) as error:  # the page shows the error when visited
        logging.getLogger(__name__).warning("warm-up stopped: %s", error)


def main(argv: list[str] | None = None) -> None:
    """Run the Streamlit server on ``app.py`` with ``argv`` as Streamlit's options."""
    PagesManager.uses_pages_directory = False
    if os.environ.get("SERVICEKARTAN_WARM_UP", "1") != "0":
        threading.Thread(target=warm_up, name="servicekartan-warm-up", daemon=True).start()
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
