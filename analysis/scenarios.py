"""Coordination scenarios: a named list of changes applied to today's services (the baseline).

A scenario never edits the region package: :func:`apply_changes` returns a *new* services frame.
Changes are plain, JSON-serialisable records so that scenarios can be stored in DuckDB, copied,
compared and hashed (:meth:`Scenario.fingerprint`) as cache keys.

Kinds of change
---------------
``add``      a new service of a category at a site;
``close``    close a service;
``move``     move a service to another site;
``hub``      make a site a shared service point ("servicepunkt") hosting several categories, each
             either moved there from an existing service or added new;
``hours``    change a service's opening hours.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from analysis.errors import ValidationError
from analysis.model import CATEGORY_IDS, DEFAULT_SECTOR, SECTORS

CHANGE_KINDS: Final = ("add", "close", "move", "hub", "hours")


#: Opening hours given to a new service placed in a hub unless the change says otherwise.
DEFAULT_HUB_HOURS: Final = ("Mo-Fr 10:00-18:00; Sa 10:00-14:00", 44.0)


@dataclass(frozen=True)
class Change:
    """One change of a scenario.

    Attributes
    ----------
    kind
        One of :data:`CHANGE_KINDS`.
    site_id
        Target site (``add``, ``move``, ``hub``).
    service_id
        Service concerned (``close``, ``move``, ``hours``).
    category
        Category of a new service (``add``).
    categories
        Categories a hub hosts (``hub``).
    move_from
        For a hub: category -> id of an existing service moved into the hub (others are added new).
    sector, annual_cost_sek, opening_hours, hours_per_week
        Optional overrides for new services and for ``hours``.
    """

    kind: str
    site_id: str | None = None
    service_id: str | None = None
    category: str | None = None
    categories: tuple[str, ...] = ()
    move_from: dict[str, str] = field(default_factory=dict)
    sector: str | None = None
    annual_cost_sek: float | None = None
    opening_hours: str | None = None
    hours_per_week: float | None = None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict without empty fields."""
        raw: dict[str, Any] = {
            "kind": self.kind,
            "site_id": self.site_id,
            "service_id": self.service_id,
            "category": self.category,
            "categories": list(self.categories),
            "move_from": dict(sorted(self.move_from.items())),
            "sector": self.sector,
            "annual_cost_sek": self.annual_cost_sek,
            "opening_hours": self.opening_hours,
            "hours_per_week": self.hours_per_week,
        }
        return {key: value for key, value in raw.items() if value not in (None, [], {})}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Change:
        """Build a change from :meth:`to_json` output."""
        return cls(
            kind=str(raw["kind"]),
            site_id=raw.get("site_id"),
            service_id=raw.get("service_id"),
            category=raw.get("category"),
            categories=tuple(raw.get("categories", ())),
            move_from=dict(raw.get("move_from", {})),
            sector=raw.get("sector"),
            annual_cost_sek=raw.get("annual_cost_sek"),
            opening_hours=raw.get("opening_hours"),
            hours_per_week=raw.get("hours_per_week"),
        )


@dataclass(frozen=True)
class Scenario:
    """A named list of changes to the baseline of one region."""

    region_id: str
    name: str
    changes: tuple[Change, ...] = ()
    author: str = ""
    description: str = ""

    def with_change(self, change: Change) -> Scenario:
        """Return a copy with ``change`` appended."""
        return Scenario(
            self.region_id, self.name, (*self.changes, change), self.author, self.description
        )

    def without_change(self, index: int) -> Scenario:
        """Return a copy without the change at position ``index``."""
        changes = tuple(c for i, c in enumerate(self.changes) if i != index)
        return Scenario(self.region_id, self.name, changes, self.author, self.description)

    def changes_json(self) -> str:
        """Return the changes as canonical JSON text."""
        return json.dumps([c.to_json() for c in self.changes], sort_keys=True, ensure_ascii=False)

    def fingerprint(self) -> str:
        """Return a hash of what determines the results (region and changes, not the name).

        Examples
        --------
        >>> a = Scenario("r", "A", (Change("close", service_id="s1"),))
        >>> b = Scenario("r", "B", (Change("close", service_id="s1"),))
        >>> a.fingerprint() == b.fingerprint()
        True
        """
        text = f"{self.region_id}\n{self.changes_json()}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_changes_json(
        cls, region_id: str, name: str, text: str, author: str = "", description: str = ""
    ) -> Scenario:
        """Rebuild a scenario from :meth:`changes_json` text."""
        return cls.from_changes(region_id, name, json.loads(text or "[]"), author, description)

    @classmethod
    def from_changes(
        cls,
        region_id: str,
        name: str,
        changes: list[dict[str, Any]],
        author: str = "",
        description: str = "",
    ) -> Scenario:
        """Rebuild a scenario from decoded JSON changes (as the store returns them)."""
        return cls(
            region_id, name, tuple(Change.from_json(raw) for raw in changes), author, description
        )


def _invalid(english: str, swedish: str) -> ValidationError:
    return ValidationError(english, swedish)


def default_annual_cost(services: pd.DataFrame, category: str) -> float:
    """Return the median annual cost of the category's existing services (0 when there are none).

    Examples
    --------
    >>> frame = pd.DataFrame({"category": ["cash", "cash", "fuel"],
    ...                       "annual_cost_sek": [100.0, 300.0, 50.0]})
    >>> default_annual_cost(frame, "cash")
    200.0
    """
    costs = services.loc[services["category"] == category, "annual_cost_sek"]
    return float(costs.median()) if len(costs) else 0.0


def _check_site(sites: gpd.GeoDataFrame, site_id: str | None) -> pd.Series:
    if site_id is None or site_id not in set(sites["site_id"]):
        raise _invalid(
            f"Unknown site {site_id!r}.",
            f"Platsen {site_id!r} finns inte; välj en plats på kartan.",
        )
    return sites.loc[sites["site_id"] == site_id].iloc[0]


def _check_service(services: gpd.GeoDataFrame, service_id: str | None) -> int:
    matches = services.index[services["service_id"] == service_id]
    if len(matches) == 0:
        raise _invalid(
            f"Unknown or already closed service {service_id!r}.",
            f"Servicepunkten {service_id!r} finns inte (eller är redan stängd i scenariot).",
        )
    return int(matches[0])


def _check_category(category: str | None) -> str:
    if category not in CATEGORY_IDS:
        raise _invalid(f"Unknown category {category!r}.", f"Okänd kategori {category!r}.")
    return str(category)


def apply_changes(
    services: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, changes: tuple[Change, ...]
) -> gpd.GeoDataFrame:
    """Return the services after applying ``changes`` in order, with a fresh 0..n-1 index.

    New services get ids ``new-<n>-<category>`` (``n`` = position of the change), so the same
    scenario always yields the same ids.  Moved services keep their id and take the site's point.

    Raises
    ------
    ValidationError
        When a change names an unknown site, service or category (Swedish message says which).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> sites = gpd.GeoDataFrame({"site_id": ["a", "b"], "name": ["A", "B"]},
    ...                          geometry=[Point(0, 0), Point(1000, 0)], crs="EPSG:3006")
    >>> services = gpd.GeoDataFrame({"service_id": ["s1"], "category": ["cash"], "name": ["Bank"],
    ...     "operator": ["X"], "sector": ["private"], "site_id": ["a"], "opening_hours": [""],
    ...     "hours_per_week": [40.0], "annual_cost_sek": [1e5], "capacity": [1.0]},
    ...     geometry=[Point(0, 0)], crs="EPSG:3006")
    >>> after = apply_changes(services, sites, (Change("hub", site_id="b",
    ...     categories=("cash", "parcel_agent"), move_from={"cash": "s1"}),))
    >>> sorted(after["service_id"]), sorted(after["site_id"])
    (['new-0-parcel_agent', 's1'], ['b', 'b'])
    """
    result = services.copy().reset_index(drop=True)
    new_rows: list[dict[str, Any]] = []

    def add(position: int, category: str, site: pd.Series, change: Change) -> None:
        sector = change.sector or DEFAULT_SECTOR.get(category, "municipality")
        if sector not in SECTORS:
            raise _invalid(f"Unknown sector {sector!r}.", f"Okänd aktör {sector!r}.")
        hours_text, hours = DEFAULT_HUB_HOURS
        new_rows.append(
            {
                "service_id": f"new-{position}-{category}",
                "category": category,
                "name": f"{site['name']}",
                "operator": "",
                "sector": sector,
                "site_id": site["site_id"],
                "opening_hours": change.opening_hours or hours_text,
                "hours_per_week": float(change.hours_per_week or hours),
                "annual_cost_sek": float(
                    change.annual_cost_sek
                    if change.annual_cost_sek is not None
                    else default_annual_cost(services, category)
                ),
                "capacity": 1.0,
                "geometry": site.geometry,
            }
        )

    for position, change in enumerate(changes):
        if change.kind not in CHANGE_KINDS:
            raise _invalid(f"Unknown change {change.kind!r}.", f"Okänd ändring {change.kind!r}.")
        if new_rows:
            result = pd.concat(
                [result, gpd.GeoDataFrame(new_rows, crs=result.crs)], ignore_index=True
            )
            new_rows = []
        if change.kind == "close":
            result = result.drop(index=_check_service(result, change.service_id)).reset_index(
                drop=True
            )
        elif change.kind == "move":
            site = _check_site(sites, change.site_id)
            row = _check_service(result, change.service_id)
            result.loc[row, "site_id"] = site["site_id"]
            result.loc[row, "geometry"] = site.geometry
        elif change.kind == "hours":
            row = _check_service(result, change.service_id)
            if change.opening_hours is not None:
                result.loc[row, "opening_hours"] = change.opening_hours
            if change.hours_per_week is not None:
                result.loc[row, "hours_per_week"] = float(change.hours_per_week)
        elif change.kind == "add":
            add(
                position,
                _check_category(change.category),
                _check_site(sites, change.site_id),
                change,
            )
        else:  # hub
            site = _check_site(sites, change.site_id)
            if not change.categories:
                raise _invalid(
                    "A hub needs at least one category.",
                    "En servicepunkt behöver minst en kategori; kryssa i vad den ska erbjuda.",
                )
            for category in change.categories:
                _check_category(category)
                moved = change.move_from.get(category)
                if moved:
                    row = _check_service(result, moved)
                    if result.loc[row, "category"] != category:
                        raise _invalid(
                            f"Service {moved!r} is not of category {category!r}.",
                            f"Servicepunkten {moved!r} hör inte till kategorin {category!r}.",
                        )
                    result.loc[row, "site_id"] = site["site_id"]
                    result.loc[row, "geometry"] = site.geometry
                else:
                    add(position, category, site, change)
    if new_rows:
        result = pd.concat([result, gpd.GeoDataFrame(new_rows, crs=result.crs)], ignore_index=True)
    return gpd.GeoDataFrame(result, geometry="geometry", crs=services.crs)


def hub_sites(changes: tuple[Change, ...]) -> dict[str, tuple[str, ...]]:
    """Return site id -> categories for every hub the changes create (later changes win)."""
    return {c.site_id: c.categories for c in changes if c.kind == "hub" and c.site_id}
