"""Texts shared by every page: navigation, region picker, language switch, generic words."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("Servicekartan", "Servicekartan"),
    "app.tagline": (
        "Tillgänglighet till service på landsbygden – och vad samordning kan ändra",
        "Access to services in rural areas – and what coordination can change",
    ),
    "common.language": ("Språk", "Language"),
    "common.region": ("Område", "Region"),
    "common.fictional_banner": (
        "Fiktiva demodata: {name} är ett påhittat område. Inga verkliga personer eller platser.",
        "Fictional demo data: {name} is an invented region. No real people or places.",
    ),
    "common.unreachable": ("ej nåbar", "unreachable"),
    "common.minutes": ("minuter", "minutes"),
    "common.residents": ("invånare", "residents"),
    "common.download": ("Ladda ned", "Download"),
    "common.empty": ("Inget att visa ännu.", "Nothing to show yet."),
    "common.error_prefix": ("Det gick inte", "That did not work"),
    "nav.planner_map": ("Planeringskarta", "Planner map"),
    "nav.needs": ("Registrerade behov", "Registered needs"),
    "nav.scenarios": ("Scenarier", "Scenarios"),
    "nav.council": ("Fullmäktigeläge", "Council view"),
    "nav.public_map": ("Invånarkarta", "Public map"),
    "nav.import": ("Importera data", "Import data"),
    "nav.about": ("Om Servicekartan", "About Servicekartan"),
    "nav.section_public": ("För invånare", "For residents"),
    "nav.section_planner": ("För planerare", "For planners"),
}
