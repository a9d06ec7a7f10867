"""Import a municipality from open data: upload, preview, progress and a data-quality report.

Everything is read from the uploaded files only (no network); a failed import writes nothing
and leaves every existing region untouched.  The fetch step that downloads the open inputs is a
separate command (``python -m analysis.importer fetch``, see docs/IMPORT.md).
"""

from __future__ import annotations

import json

import streamlit as st

from analysis import importer, io
from analysis.errors import ServicekartanError
from analysis.i18n import TEXTS, t
from ui import auth, data, page, state

auth.require_planner()
lang, region = page.header("nav.import")
st.write(t("import_ui.intro", lang))

PROGRESS_SV = {
    "checking input files": "Kontrollerar filerna",
    "reading the boundary": "Läser kommungränsen",
    "reading the population grid": "Läser befolkningsrutorna",
    "reading OpenStreetMap (roads, water, services)": (
        "Läser OpenStreetMap (vägar, vatten, service)"
    ),
    "clipping to the municipality and its buffer": "Klipper till kommunen och buffertzonen",
    "localities": "Tätorter",
    "checking the road network": "Kontrollerar vägnätet",
    "layers ready": "Lagren är klara",
}


def _label(key: str) -> str:
    """The Swedish (or English) name of a report key: a section, a layer, a category …"""
    for prefix in ("quality", "layer", "category", "road_class"):
        if f"{prefix}.{key}" in TEXTS:
            return t(f"{prefix}.{key}", lang)
    return key


def _message(error: ServicekartanError) -> str:
    return error.message_sv if lang == "sv" else str(error)


def _upload(label_key: str, types: list[str], key: str, many: bool = False) -> object:
    return st.file_uploader(t(label_key, lang), type=types, key=key, accept_multiple_files=many)


with st.form("import"):
    col1, col2 = st.columns(2)
    region_id = col1.text_input(
        t("import_ui.region_id", lang), help=t("import_ui.region_id_help", lang)
    )
    name = col2.text_input(t("import_ui.name", lang))
    col3, col4 = st.columns(2)
    municipality = col3.text_input(t("import_ui.municipality", lang))
    buffer_m = col4.number_input(t("import_ui.buffer", lang), 0, 50_000, 10_000, step=1_000)
    osm_file = _upload("import_ui.osm", ["pbf", "osm"], "osm")
    boundary_file = _upload("import_ui.boundary", ["geojson", "json", "gpkg"], "boundary")
    population_file = _upload(
        "import_ui.population", ["csv", "gpkg", "geojson", "zip"], "population"
    )
    localities_file = _upload("import_ui.localities", ["gpkg", "geojson", "zip"], "localities")
    service_files = _upload(
        "import_ui.services", ["csv", "geojson", "json", "gpkg"], "services", many=True
    )
    mapping_text = st.text_area(
        t("import_ui.mapping", lang), help=t("import_ui.mapping_help", lang)
    )
    col5, col6 = st.columns(2)
    preview_clicked = col5.form_submit_button(t("import_ui.preview", lang))
    start_clicked = col6.form_submit_button(t("import_ui.start", lang), type="primary")


def _as_input(upload: object) -> tuple[str, bytes] | None:
    return None if upload is None else (upload.name, upload.getvalue())  # type: ignore[attr-defined]


mapping: dict[str, str] | None = None
if mapping_text.strip():
    try:
        mapping = json.loads(mapping_text)
    except json.JSONDecodeError:
        st.error(t("import_ui.mapping_invalid", lang))
        st.stop()

if preview_clicked:
    if not service_files:
        st.info(t("import_ui.preview_none", lang))
    for upload in service_files or []:
        st.markdown(f"**{upload.name}**")
        try:
            result = importer.preview(upload.getvalue(), name=upload.name, mapping=mapping)
        except ServicekartanError as error:
            st.error(_message(error))
            continue
        st.caption(
            t("import_ui.preview_caption", lang, crs=result.crs or "–", rows=result.total_rows)
        )
        st.dataframe(result.rows, hide_index=True, width="stretch")
        if len(result.errors):
            st.warning(t("import_ui.preview_errors", lang, count=len(result.errors)))
            st.dataframe(result.errors, hide_index=True, width="stretch")

if start_clicked:
    missing = [
        t(key, lang)
        for key, value in (
            ("import_ui.region_id", region_id),
            ("import_ui.name", name),
            ("import_ui.osm", osm_file),
            ("import_ui.population", population_file),
        )
        if not value
    ]
    if missing:
        st.error(t("import_ui.missing", lang, fields=", ".join(missing)))
        st.stop()
    bar = st.progress(0.0, text=t("import_ui.starting", lang))

    def progress(fraction: float, message: str) -> None:
        text = PROGRESS_SV.get(message, message) if lang == "sv" else message
        bar.progress(min(max(float(fraction), 0.0), 1.0) if fraction <= 1 else 0.5, text=text)

    options: dict[str, object] = {"buffer_m": float(buffer_m), "progress": progress}
    if municipality.strip():
        options["municipality"] = municipality.strip()
    if mapping:
        options["services_mappings"] = mapping
    if localities_file is not None:
        options["localities_path"] = _as_input(localities_file)
    try:
        folder = importer.build_region_package(
            region_id.strip(),
            name.strip(),
            _as_input(osm_file),
            _as_input(boundary_file),
            _as_input(population_file),
            services_paths=[_as_input(f) for f in service_files or []],
            **options,
        )
    except ServicekartanError as error:
        bar.empty()
        st.error(f"{t('import_ui.failed', lang)} {_message(error)}")
        st.stop()
    bar.progress(1.0, text=t("import_ui.done", lang))
    data.regions.clear()
    st.session_state["import_report_region"] = folder.name
    st.session_state["import_succeeded"] = (name, folder.name)
    # The sidebar's region picker was drawn before the import: run the app again so that it
    # offers the new region, as the success message says.
    st.rerun()

succeeded = st.session_state.pop("import_succeeded", None)
if succeeded is not None:
    st.success(t("import_ui.success", lang, name=succeeded[0], region_id=succeeded[1]))

st.subheader(t("import_ui.report", lang))
report_region = st.session_state.get("import_report_region", state.region_id())
st.caption(t("import_ui.report_for", lang, region_id=report_region))
with page.user_errors():
    folder = io.region_path(report_region)
    saved = folder / "quality_report.json"
    report = saved if saved.is_file() else importer.region_report(data.region(report_region))
    table = importer.quality_frame(report, language=lang)
    for column in ("section", "item"):
        table[column] = [_label(key) for key in table[column]]
    table.columns = [
        t("import_ui.col_section", lang),
        t("import_ui.col_item", lang),
        t("import_ui.col_value", lang),
    ]
    st.dataframe(table, hide_index=True, width="stretch")
