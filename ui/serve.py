"""Start the app: ``python -m ui.serve [streamlit options]`` (what ``scripts/run.sh`` runs).

The same as ``streamlit run app.py [options]``, with one difference: Streamlit's old multipage
mode is off from the start.  Streamlit runs the first script of a freshly started server in
that mode whenever a ``pages/`` folder sits beside the main script, and in it every address
but the root is unknown: the first visitor after a restart who opens ``/invanarkarta`` or
``/om`` got an English "Page not found" dialog over the page.  ``app.py`` registers its pages
with ``st.navigation``, which turns that mode off, but only once it has run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[1] / "app.py"


def main(argv: list[str] | None = None) -> None:
    """Run the Streamlit server on ``app.py`` with ``argv`` as Streamlit's options."""
    PagesManager.uses_pages_directory = False
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
