"""Texts of the page frames: placeholders, the about page, council and public views."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "placeholder.coming": (
        "Den här vyn är under uppbyggnad. Här kommer: {what}",
        "This view is being built. It will hold: {what}",
    ),
    "placeholder.needs_review": (
        "en lista och en karta över registrerade behov med filter, statusflöde (ny, granskad, "
        "planerad, åtgärdad, avvisad), ändringslogg, sammanslagning av dubbletter samt analys av "
        "ouppfyllda behov per ort och kategori.",
        "a list and a map of registered needs with filters, a status workflow, an audit trail, "
        "merging of duplicates and an analysis of unmet needs per locality and category.",
    ),
    "placeholder.scenarios": (
        "scenarier där servicepunkter samlas i gemensamma noder, jämförelse före/efter per ort och "
        "åldersgrupp, optimering av platser och en budget per aktör.",
        "scenarios that co-locate services in shared hubs, before/after comparison per "
        "locality and age group, site optimisation and a budget per actor.",
    ),
    "placeholder.council": (
        "ett presentationsläge för fullmäktige med några få stora nyckeltal, kartor före och efter "
        "och ett beslutsunderlag som PDF.",
        "a presentation mode for council meetings with a few large key figures, before/after maps "
        "and a decision brief as PDF.",
    ),
    "placeholder.import": (
        "import av OpenStreetMap-vägar och servicepunkter, SCB:s befolkningsrutor, kommungränser "
        "och kommunens egna listor, med förhandsvisning och kvalitetsrapport.",
        "import of OpenStreetMap roads and services, SCB population grids, boundaries and the "
        "municipality's own lists, with a preview and a data-quality report.",
    ),
    "placeholder.public_map": (
        "en karta där du väljer ort eller klickar på ditt hem och ser hur långt det är till "
        "närmaste service med bil, cykel och till fots, och där du kan registrera ett behov.",
        "a map where you choose a locality or tap your home and see how far the nearest services "
        "are by car, bicycle and on foot, and where you can register a need.",
    ),
    "about.body": (
        "Servicekartan visar hur långt invånarna har till vardagsservice – dagligvaror, apotek, "
        "vårdcentral, skola, bibliotek, paketombud, kontanter, drivmedel och kommunens "
        "kontaktcenter – längs det verkliga vägnätet, och hur samordnade servicepunkter där flera "
        "aktörer delar lokal kan förbättra tillgängligheten. Restider beräknas över vägnätet för "
        "bil, cykel och gång från befolkningsrutor om 250 meter.",
        "Servicekartan shows how far residents have to everyday services – groceries, pharmacy, "
        "health centre, school, library, parcel agent, cash, fuel and the municipal contact "
        "office – over the real road network, and how coordinated service points shared by "
        "several actors can improve access. Travel times are computed over the road network by "
        "car, bicycle and on foot from 250-metre population cells.",
    ),
    "about.region": ("Om området", "About the region"),
    "about.layers": ("Lager i områdespaketet", "Layers of the region package"),
    "about.rows": ("Antal objekt", "Number of features"),
    "about.layer": ("Lager", "Layer"),
    "about.population_total": ("Folkmängd", "Population"),
    "about.sources": ("Källor", "Sources"),
    "brief.fictional": ("FIKTIVA DEMODATA", "FICTIONAL DEMO DATA"),
    "brief.before": ("Före", "Before"),
    "brief.map_before": ("Före", "Before"),
    "brief.map_after": ("Efter", "After"),
    "brief.legend_title": ("Restid till närmaste service", "Travel time to the nearest service"),
    "brief.table_title": ("Per ort", "Per locality"),
    "brief.sources": ("Källor", "Sources"),
    "brief.method": (
        "Restider beräknas längs vägnätet från befolkningsrutor om 250 m till närmaste "
        "servicepunkt, inklusive gångsträckan till och från vägen. Andelar avser folkbokförda "
        "invånare i rutorna.",
        "Travel times are computed along the road network from 250 m population cells to the "
        "nearest service point, including the walk to and from the road. Shares refer to the "
        "registered residents of the cells.",
    ),
}
