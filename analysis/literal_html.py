"""Rendered map output stays literal text: branca no longer re-reads it as a Jinja template.

branca (folium's element tree) renders each element's template to HTML or JavaScript and then
wraps the *result* in ``Element(result)``, whose constructor compiles it as a new Jinja
template.  Two faults follow:

* **Template injection.**  Any ``{{ … }}`` or ``{% … %}`` that reaches the output from data —
  a service name in a tooltip, a resident's text in a popup — is evaluated on the server when
  the page is rendered (``{{ 7*7 }}`` shows as ``49``; worse expressions reach Python objects).
* **Time.**  Compiling every rendered piece again took a third of the planner map's server time
  (0.3 s of 0.9 s on the demo region): Jinja lexes and compiles the whole GeoJSON text of every
  layer, only to print it back unchanged.

:func:`install` replaces the name ``Template`` that ``branca.element.Element`` looks up with
:func:`literal_or_template`: an ``Element`` built from a string prints that string as it is (what
Jinja printed for a string without template syntax, including its newline handling, so maps
render byte for byte as before), except for the few templates branca itself builds with
``Element(...)`` on purpose (:data:`BRANCA_TEMPLATES`), which stay Jinja templates.  Templates
defined on classes (folium's ``_template = Template(...)``) are not touched: they were compiled
when their modules were imported.

Importing :mod:`analysis.maps` installs it (every page that draws a map imports it); it is
idempotent.

Examples
--------
>>> import folium
>>> install()
>>> m = folium.Map(location=[64.0, 17.0], tiles=None)
>>> _ = folium.Marker([64.0, 17.0], tooltip="{{ 7*7 }}").add_to(m)
>>> "{{ 7*7 }}" in m.get_root().render()
True
"""

from __future__ import annotations

from typing import Any, Final

import branca.element
import jinja2

__all__ = ["BRANCA_TEMPLATES", "LiteralTemplate", "install", "literal_or_template"]

#: Sources that branca passes to ``Element(...)`` meaning them as Jinja templates (branca 0.8:
#: ``Div.html``).  Anything else given to ``Element(...)`` is output, printed literally.
BRANCA_TEMPLATES: Final = frozenset(
    {"{% for name, element in this._children.items() %}{{element.render(**kwargs)}}{% endfor %}"}
)


class LiteralTemplate:
    """A stand-in for :class:`jinja2.Template` that renders its source unchanged.

    It prints what Jinja prints for a source without template syntax: newlines normalised to
    ``\\n`` and one trailing newline dropped (Jinja's ``keep_trailing_newline=False``).
    """

    __slots__ = ("text",)

    def __init__(self, source: str) -> None:
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Return the source text; the arguments (``this=``, ``kwargs=``) are ignored."""
        del args, kwargs
        return self.text

    @property
    def module(self) -> Any:
        """An empty template module (no ``header``/``html``/``script`` macros), as Jinja's."""
        return _EMPTY_MODULE


class _EmptyModule:
    pass


_EMPTY_MODULE: Final = _EmptyModule()


def literal_or_template(source: str) -> LiteralTemplate | jinja2.Template:
    """Return a literal for rendered output, a Jinja template for branca's own templates."""
    if source in BRANCA_TEMPLATES:
        template: jinja2.Template = jinja2.Template(source)
        return template
    return LiteralTemplate(source)


def install() -> None:
    """Make ``branca.element.Element(text)`` print ``text`` literally (idempotent)."""
    branca.element.Template = literal_or_template  # type: ignore[attr-defined,assignment]
