"""The decision brief renders as a real one-page PDF and PNG showing the figures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import pypdfium2
import pytest
from shapely.geometry import box

from analysis.brief import BriefContent, KeyFigure, band_labels, render_brief, time_class


@pytest.fixture
def content() -> BriefContent:
    cells = gpd.GeoDataFrame(
        {"cell_id": [str(i) for i in range(100)]},
        geometry=[
            box(x * 250, y * 250, x * 250 + 250, y * 250 + 250)
            for y in range(10)
            for x in range(10)
        ],
        crs="EPSG:3006",
    )
    before = pd.Series(np.linspace(0, 60, 100))
    before.iloc[3] = np.inf
    return BriefContent(
        title="Beslutsunderlag",
        region_name="Exempelbygd",
        scenario_name="Servicepunkt i Lillby",
        scenario_description="Bygdegården blir servicepunkt.",
        key_figures=[KeyFigure("Invånare inom 20 min", "61 %", "68 %", "andel")],
        cells=cells,
        minutes_before=before,
        minutes_after=before * 0.5,
        map_subject="apotek",
        locality_table=pd.DataFrame({"Ort": ["Lillby"], "Före": ["10 %"], "Efter": ["80 %"]}),
        sources=["Fiktiva demodata"],
        fictional=True,
    )


def test_pdf_is_one_page_with_the_figures(content: BriefContent) -> None:
    data = render_brief(content, "pdf")
    assert data.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(data)
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    for expected in (
        "Beslutsunderlag",
        "68 %",
        "Före: 61 %",
        "FIKTIVA DEMODATA",
        "Lillby",
        "ej nåbar",
    ):
        assert expected in text, expected
    image = document[0].render(scale=0.5).to_numpy()
    assert image.std() > 10, "the rendered page is not blank"


def test_png_is_an_image(content: BriefContent) -> None:
    assert render_brief(content, "png").startswith(b"\x89PNG")


def test_unknown_format_is_refused(content: BriefContent) -> None:
    with pytest.raises(ValueError, match="pdf"):
        render_brief(content, "docx")


def test_time_classes_match_the_legend() -> None:
    classes = time_class(np.array([1.0, 7.0, 15.0, 25.0, 40.0, 90.0, np.inf]))
    assert classes.tolist() == [0, 1, 2, 3, 4, 5, -1]
    assert len(band_labels()) == 7


def test_brief_renders_in_worker_threads(content: BriefContent) -> None:
    # The council view's download buttons render the brief in the server's worker threads,
    # two at a time when PDF and PNG are asked for together.
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdf, png = pool.map(lambda fmt: render_brief(content, fmt), ["pdf", "png"])
    assert pdf.startswith(b"%PDF")
    assert png.startswith(b"\x89PNG")
