"""Rendered map output is printed literally: no Jinja evaluation of data, same bytes as before."""

from __future__ import annotations

import itertools

import branca.element
import folium
import jinja2
import pytest

from analysis import io, literal_html, maps, settings


def _number_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Name elements 0, 1, 2 … instead of at random, so two renderings can be compared."""
    counter = itertools.count()
    monkeypatch.setattr(
        branca.element.Element, "_generate_id", classmethod(lambda _cls: f"{next(counter):032x}")
    )


def _demo_map(services_name: str | None = None) -> str:
    region = io.load_region(settings.DEFAULT_REGION)
    services = region.services.copy()
    if services_name is not None:
        services.loc[services.index[0], "name"] = services_name
    m = maps.base_map(region, "sv")
    maps.services_layer(m, services, "sv")
    maps.localities_layer(m, region.localities, "sv")
    maps.population_layer(m, region.population, "sv")
    maps.legend(m, "sv")
    return str(m.get_root().render())


@pytest.mark.parametrize(
    "text", ["{{ 7*7 }}", "{% if true %}ja{% endif %}", "{# kommentar #}", "{{ this.__class__ }}"]
)
def test_template_syntax_in_data_is_shown_literally(text: str) -> None:
    # escape_text leaves braces and % alone: finding the text proves it was not evaluated
    assert maps.escape_text(text) in _demo_map(text)


def test_marker_tooltip_is_not_evaluated() -> None:
    m = folium.Map(location=[64.0, 17.0], tiles=None)
    folium.Marker([64.0, 17.0], tooltip="{{ 7*7 }}").add_to(m)
    rendered = m.get_root().render()
    assert "{{ 7*7 }}" in rendered
    assert " 49" not in rendered


def test_maps_render_byte_for_byte_as_with_jinja(monkeypatch: pytest.MonkeyPatch) -> None:
    _number_ids(monkeypatch)
    literal = _demo_map()
    monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    _number_ids(monkeypatch)
    jinja = _demo_map()
    assert literal == jinja


def test_branca_own_templates_still_render() -> None:
    # branca's Div builds its html part with Element("{% for ... %}"): it must stay a template.
    div = branca.element.Div()
    assert div.html._template_str in literal_html.BRANCA_TEMPLATES
    assert isinstance(div.html._template, jinja2.Template)
    figure = branca.element.Figure()
    figure.add_child(div)
    div.html.add_child(branca.element.Element("<p>inne</p>"))
    assert "<p>inne</p>" in figure.render()


@pytest.mark.parametrize(
    ("source", "expected"), [("a\n", "a"), ("a\r\nb\r\n", "a\nb"), ("a\n\n", "a\n"), ("", "")]
)
def test_literal_prints_what_jinja_printed(source: str, expected: str) -> None:
    assert literal_html.LiteralTemplate(source).render(this=None) == expected
    assert jinja2.Template(source).render() == expected
