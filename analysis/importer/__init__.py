"""Importers that build a region package from real open data.

``python -m analysis.importer build ...`` (see :mod:`analysis.importer.__main__` and
``docs/IMPORT.md``) reads an OpenStreetMap extract, a municipal boundary, SCB's population grid
and, optionally, the municipality's own service lists, and writes a checked region package
with a data-quality report.  ``fetch`` (run on a machine with internet) downloads the open
inputs.  Nothing here imports Streamlit; only :mod:`analysis.importer.fetch` touches the
network, and only when called.
"""

from __future__ import annotations

from analysis.importer.build import PreparedRegion, build_region_package, prepare_region
from analysis.importer.quality import quality_frame, region_report, write_quality_report
from analysis.importer.services import ServicePreview, preview
from analysis.importer.validate import DEFAULT_LIMITS, Limits, UnsafeInputError

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "PreparedRegion",
    "ServicePreview",
    "UnsafeInputError",
    "build_region_package",
    "prepare_region",
    "preview",
    "quality_frame",
    "region_report",
    "write_quality_report",
]
