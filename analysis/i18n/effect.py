"""Texts of needs and of the headline figures of a scenario's effect."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, tuple[str, str]]] = {
    # Needs (analysis.model.NEEDS): a label, and the form used inside a sentence.
    "need.groceries": ("Dagligvaror", "Groceries"),
    "need.groceries.phrase": ("dagligvaror", "groceries"),
    "need.groceries_full": ("Dagligvaror, fullsortiment", "Groceries, full range"),
    "need.groceries_full.phrase": ("en fullsortimentsbutik", "a full-range grocery"),
    "need.medicines": ("Läkemedel (apotek eller ombud)", "Medicines (pharmacy or agent)"),
    "need.medicines.phrase": ("läkemedel", "medicines"),
    "need.pharmacy_full": ("Apotek med farmaceut", "Staffed pharmacy"),
    "need.pharmacy_full.phrase": ("ett apotek", "a pharmacy"),
    "need.parcels": ("Paket", "Parcels"),
    "need.parcels.phrase": ("ett paketombud", "a parcel agent"),
    "need.cash": ("Kontanter", "Cash"),
    "need.cash.phrase": ("kontantuttag", "cash"),
    "need.municipal_contact": ("Kommunkontakt", "Municipal contact"),
    "need.municipal_contact.phrase": ("kommunens kontaktcenter", "the municipal contact office"),
    "need.health_care": ("Vårdcentral", "Health centre"),
    "need.health_care.phrase": ("en vårdcentral", "a health centre"),
    "need.school": ("Grundskola", "Primary school"),
    "need.school.phrase": ("en grundskola", "a primary school"),
    "need.preschool": ("Förskola", "Preschool"),
    "need.preschool.phrase": ("en förskola", "a preschool"),
    "need.library": ("Bibliotek", "Library"),
    "need.library.phrase": ("ett bibliotek", "a library"),
    "need.fuel": ("Drivmedel", "Fuel"),
    "need.fuel.phrase": ("en bensinstation", "a fuel station"),
    # Directions, always in words beside the colour.
    "headline.better": ("bättre", "better"),
    "headline.worse": ("sämre", "worse"),
    "headline.same": ("oförändrat", "unchanged"),
    "headline.cost_better": ("lägre kostnad", "lower cost"),
    "headline.cost_worse": ("högre kostnad", "higher cost"),
    "headline.cost_same": ("oförändrad kostnad", "cost unchanged"),
    "headline.rural_area": ("glesbygden utanför orterna", "the countryside outside the villages"),
    "headline.today": ("I dag", "Today"),
    "headline.with_scenario": ("med förslaget", "with the proposal"),
    # The figures.
    "headline.locality_gain.label": (
        "Invånare i {locality} som nu når {need} inom {minutes} min",
        "Residents of {locality} now within {minutes} min of {need}",
    ),
    "headline.locality_gain.caption": (
        "Av {residents} invånare når {within_before} dit inom {minutes} min i dag, "
        "{within_after} med förslaget. Restiden för dem som kommer inom gränsen: i snitt "
        "{before} i dag, {after} med förslaget. I hela kommunen: {total}.",
        "Of {residents} residents, {within_before} are within {minutes} min today, "
        "{within_after} with the proposal. The trip of those getting within the limit: "
        "{before} on average today, {after} with the proposal. In the whole municipality: "
        "{total}.",
    ),
    "headline.locality_loss.label": (
        "Invånare i {locality} som inte längre når {need} inom {minutes} min",
        "Residents of {locality} no longer within {minutes} min of {need}",
    ),
    "headline.locality_loss.caption": (
        "Av {residents} invånare når {within_before} dit inom {minutes} min i dag, "
        "{within_after} med förslaget. Restiden för dem som hamnar utanför gränsen: i snitt "
        "{before} i dag, {after} med förslaget. I hela kommunen: {total}.",
        "Of {residents} residents, {within_before} are within {minutes} min today, "
        "{within_after} with the proposal. The trip of those falling beyond the limit: "
        "{before} on average today, {after} with the proposal. In the whole municipality: "
        "{total}.",
    ),
    "headline.locality_faster.label": (
        "Invånare i {locality} med kortare restid till {need}",
        "Residents of {locality} with a shorter trip to {need}",
    ),
    "headline.locality_faster.caption": (
        "Deras restid i dag: i snitt {before}, med förslaget {after}.",
        "Their trip today: {before} on average, with the proposal {after}.",
    ),
    "headline.gaining.label": (
        "Invånare med kortare restid till minst ett behov",
        "Residents with a shorter trip to at least one need",
    ),
    "headline.gaining.caption": (
        "Var och en räknas en gång, hur lite restiden än minskar. Flest i: {where}. "
        "Behov som kommer närmare: {needs}.",
        "Each counted once, however little the trip shortens. Most in: {where}. Needs "
        "brought closer: {needs}.",
    ),
    "headline.gaining.where": (
        "{locality} ({count}; {need} i snitt {minutes} min närmare)",
        "{locality} ({count}; {need} {minutes} min closer on average)",
    ),
    "headline.needs_met.label": (
        "Registrerade behov som nu nås inom {minutes} min",
        "Registered needs now met within {minutes} min",
    ),
    "headline.needs_met.caption": (
        "Behov som invånare anmält, längre bort än {minutes} min i dag och inom {minutes} min "
        "med förslaget (av service som uppfyller behovet).",
        "Needs residents registered, beyond {minutes} min today and within it with the "
        "proposal (by any service that meets the need).",
    ),
    "headline.slower.label": (
        "Invånare med längre restid till någon service",
        "Residents with a longer trip to some service",
    ),
    "headline.slower.caption": (
        "Var och en räknas en gång, även om flera tjänster hamnar längre bort. "
        "Längre till: {which}.",
        "Each counted once, even when several services move farther away. Longer to: {which}.",
    ),
    "headline.slower.none": (
        "Ingen får längre restid till någon service.",
        "Nobody gets a longer trip to any service.",
    ),
    "headline.cost.label": (
        "Kostnadsförändring per år, alla aktörer",
        "Change of annual cost, all actors",
    ),
    "headline.cost.caption": (
        "Varav kommunen {municipality}. Per invånare med kortare restid: {per_resident} per år "
        "(+ är en ökning).",
        "Of which the municipality {municipality}. Per resident with a shorter trip: "
        "{per_resident} a year (+ is an increase).",
    ),
    # One sentence that sums the effect up.
    "headline.sentence.gain": (
        "Förslaget ger {count} invånare kortare restid till minst ett behov; {local} i "
        "{locality} når {need} inom {minutes} min (i dag i snitt {before}).",
        "The proposal gives {count} residents a shorter trip to at least one need; {local} in "
        "{locality} get within {minutes} min of {need} (today {before} on average).",
    ),
    "headline.sentence.gain_only": (
        "Förslaget ger {count} invånare kortare restid till minst ett behov.",
        "The proposal gives {count} residents a shorter trip to at least one need.",
    ),
    "headline.sentence.no_gain": (
        "Förslaget ger ingen kortare restid.",
        "The proposal shortens nobody's trip.",
    ),
    "headline.sentence.slower": (
        "{count} invånare får längre restid till någon service.",
        "{count} residents get a longer trip to some service.",
    ),
    "headline.sentence.nobody_slower": ("Ingen får längre restid.", "Nobody's trip gets longer."),
    "headline.sentence.cost_up": (
        "Kostnaden för alla aktörer ökar med {amount} per år (kommunen {municipality}).",
        "The cost of all actors rises by {amount} a year (the municipality {municipality}).",
    ),
    "headline.sentence.cost_down": (
        "Kostnaden för alla aktörer minskar med {amount} per år (kommunen {municipality}).",
        "The cost of all actors falls by {amount} a year (the municipality {municipality}).",
    ),
    "headline.sentence.cost_same": ("Kostnaden är oförändrad.", "The cost is unchanged."),
    # Two proposals side by side.
    "proposal.figure": ("Nyckeltal", "Figure"),
    "proposal.residents_gaining_any_need": (
        "Invånare med kortare restid till minst ett behov",
        "Residents with a shorter trip to at least one need",
    ),
    "proposal.residents_slower_any_service": (
        "Invånare med längre restid till någon service",
        "Residents with a longer trip to some service",
    ),
    "proposal.needs_met": ("Registrerade behov som nu nås", "Registered needs now met"),
    "proposal.cost_change_sek": (
        "Kostnadsförändring per år, alla aktörer",
        "Change of annual cost, all actors",
    ),
    "proposal.municipality_cost_change_sek": (
        "Kostnadsförändring per år, kommunen",
        "Change of annual cost, the municipality",
    ),
    "proposal.cost_per_resident_gaining_sek": (
        "Kostnad per invånare med kortare restid",
        "Cost per resident with a shorter trip",
    ),
    "proposal.gaining_need": ("Kortare restid till {need}", "Shorter trip to {need}"),
    "proposal.within_need": (
        "Kommer inom {minutes} min: {need}",
        "Get within {minutes} min: {need}",
    ),
    # Where to start (planner map).
    "priorities.title": (
        "Var gör en servicepunkt mest nytta?",
        "Where would a hub help most?",
    ),
    "priorities.needs": ("Behov att jämföra", "Needs to compare"),
    "priorities.choose_needs": ("Välj minst ett behov.", "Choose at least one need."),
    "priorities.residents": ("Invånare ({age})", "Residents ({age})"),
    "priorities.worst_need": ("Sämst nådda behov", "Worst-served need"),
    "priorities.worst_median": ("Restid dit (median)", "Trip to it (median)"),
    "priorities.beyond": ("Längre bort än {minutes} min", "Beyond {minutes} min"),
    "priorities.median_of": ("{need} (median)", "{need} (median)"),
    "priorities.caption": (
        "Orterna ordnade efter restiden till det behov som når dem sämst ({mode}, {age}); "
        "medianen är restiden som hälften av de valda invånarna har längre än. Längst upp står "
        "orten där en servicepunkt med det behovet gör mest skillnad. {minutes} min är gränsen "
        "för kolumnen med invånare längre bort.",
        "Localities ordered by the trip to the need that serves them worst ({mode}, {age}); "
        "the median is the trip half of the chosen residents exceed. At the top is the "
        "locality where a hub offering that need makes most difference. {minutes} min is the "
        "limit of the residents-beyond column.",
    ),
    # About page.
    "about.needs": ("Behov och vad som uppfyller dem", "Needs and what meets them"),
    "about.needs_body": (
        "Servicekartan räknar i första hand på behov: ett behov uppfylls av närmaste service "
        "av någon av kategorierna i tabellen (läkemedel får man både på apotek och hos ett "
        "apoteksombud). Ett scenarios effekt visar för varje behov hur många som får kortare "
        "eller längre restid; var och en räknas en gång i summorna. Kostnaden per invånare "
        "med kortare restid är alla aktörers kostnadsförändring delad med antalet invånare "
        "som får kortare restid till minst ett behov.",
        "Servicekartan counts needs first: a need is met by the nearest service of any of the "
        "categories in the table (medicines come from a pharmacy or a pharmacy agent). A "
        "scenario's effect shows for each need how many get a shorter or longer trip; everyone "
        "is counted once in the totals. The cost per resident with a shorter trip is the cost "
        "change of all actors divided by the residents with a shorter trip to at least one "
        "need.",
    ),
    "about.need": ("Behov", "Need"),
    "about.met_by": ("Uppfylls av", "Met by"),
}
