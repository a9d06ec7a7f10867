"""Texts about the routing engine: the network, travel times and isochrones."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "engine.off_network": (
        "Utanför vägnätet (mer än {distance_km} km till närmaste väg)",
        "Off the road network (more than {distance_km} km to the nearest road)",
    ),
    "engine.off_network_cells": (
        "{count} rutor med {population} invånare ligger för långt från en väg för att få en "
        "restid.",
        "{count} cells with {population} residents are too far from a road to get a travel time.",
    ),
    "engine.access_leg_note": (
        "Restiden räknas från rutans mittpunkt: först en promenad till närmaste väg, sedan längs "
        "vägnätet och sist en promenad fram till servicen.",
        "Travel time is counted from the centre of the cell: a walk to the nearest road, then "
        "along the road network, then a walk to the service.",
    ),
    "engine.fragments_warning": (
        "Vägnätet för {mode} består av {count} delar som inte hänger ihop; den största delen har "
        "{share} av noderna. Vägar som ska mötas måste dela en brytpunkt.",
        "The {mode} network consists of {count} disconnected parts; the largest holds {share} of "
        "the nodes. Roads that meet must share a vertex.",
    ),
    "engine.isochrone_band": ("Inom {minutes} min", "Within {minutes} min"),
    "engine.isochrone_title": (
        "Så långt når man på {minutes} min med {mode}",
        "How far one gets in {minutes} min by {mode}",
    ),
    "engine.second_nearest": ("Näst närmaste", "Second nearest"),
    "engine.nearest": ("Närmaste", "Nearest"),
}
