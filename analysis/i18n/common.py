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
    "auth.title": ("Logga in som planerare", "Planner login"),
    "auth.password": ("Lösenord", "Password"),
    "auth.login": ("Logga in", "Log in"),
    "auth.login_oidc": (
        "Logga in med kommunens inloggning",
        "Log in with the municipality's login",
    ),
    "auth.logout": ("Logga ut", "Log out"),
    "auth.wrong_password": (
        "Fel lösenord. Försök igen eller fråga den som driftar Servicekartan.",
        "Wrong password. Try again or ask whoever runs Servicekartan.",
    ),
    "auth.refused": (
        "Den här sidan är bara för inloggade planerare. Logga in här, så öppnas sidan.",
        "This page is for logged-in planners only. Log in here and the page opens.",
    ),
    "auth.no_password_configured": (
        "Ingen inloggning är konfigurerad. Kör `python -m analysis planner-password` på servern "
        "eller ange SERVICEKARTAN_PLANNER_PASSWORD_HASH.",
        "No login is configured. Run `python -m analysis planner-password` on the server or set "
        "SERVICEKARTAN_PLANNER_PASSWORD_HASH.",
    ),
    "auth.intro": (
        "Planerarsidorna (scenarier, granskning av behov, import och kontaktuppgifter) kräver "
        "inloggning. Invånarkartan är öppen för alla.",
        "The planner pages (scenarios, needs review, import and contact details) require a "
        "login. The public map is open to everyone.",
    ),
    "common.locality": ("Ort", "Locality"),
    "common.none": ("Ingen", "None"),
}
