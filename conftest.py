"""Test-wide set-up: every test run writes to its own throw-away data folder.

Set before any ``analysis`` module is imported, so the DuckDB store and imported regions of a
test run never touch a developer's ``var/``.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("SERVICEKARTAN_DATA_DIR", tempfile.mkdtemp(prefix="servicekartan-test-"))
