"""ui.page.show_map sends what st_folium would send (guards a streamlit-folium upgrade)."""

from __future__ import annotations

import re
from typing import Any

import folium
import numpy as np
import pandas as pd
import pytest
import streamlit_folium

from analysis import io, maps, settings
from ui import page


def _normalised(arguments: dict[str, Any]) -> dict[str, Any]:
    """Drop the callback and folium's random element ids (as st_folium's own hash does)."""
    return {
        key: re.sub(r"_[a-z0-9]+", "", value) if isinstance(value, str) else value
        for key, value in arguments.items()
        if key != "on_change"
    }


def _layers(region: io.Region) -> list[folium.FeatureGroup]:
    cells = region.population
    change = pd.Series(np.linspace(-20, 20, len(cells)), index=cells.index)
    after = region.services.iloc[2:]
    return [
        maps.difference_layer(folium.Map(tiles=None), cells, change, "Apotek, bil", attach=False),
        maps.changed_services_layer(region.services, after, "Ändringar"),
    ]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_show_map_sends_the_arguments_of_st_folium(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    region = io.load_region(settings.DEFAULT_REGION)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))

    def base() -> folium.Map:
        m = maps.base_map(region, lang)
        maps.candidate_sites_layer(m, region.sites, lang)
        maps.services_layer(m, region.services, lang)
        return m

    m = base()
    layers = _layers(region)
    maps._pane(m, "sk_fill")  # as the page's layers create it on the map
    streamlit_folium.st_folium(
        m,
        returned_objects=["last_object_clicked"],
        height=520,
        use_container_width=True,
        key="scenario_map",
        feature_group_to_add=layers,
    )
    prepared = base()
    maps._pane(prepared, "sk_fill")
    page.show_map(
        page.prerender_map(prepared),
        _layers(region),
        key="scenario_map",
        height=520,
        returned_objects=["last_object_clicked"],
    )
    expected, got = (_normalised(arguments) for arguments in sent)
    assert got == expected
