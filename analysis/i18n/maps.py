"""Texts of the maps (layers, legends, popups) and of the planner map page."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # Layers, as named in the map's layer menu.
    "maps.layer.online_tiles": (
        "OpenStreetMap-bakgrund (hämtas från internet)",
        "OpenStreetMap background (loaded from the internet)",
    ),
    "maps.layer.boundary": ("Områdesgräns", "Boundary"),
    "maps.layer.water": ("Sjöar och vattendrag", "Lakes and rivers"),
    "maps.layer.roads": ("Vägar", "Roads"),
    "maps.layer.labels": ("Ortnamn", "Place names"),
    "maps.layer.localities": ("Orter", "Localities"),
    "maps.layer.population": ("Befolkning", "Population"),
    "maps.layer.needs": ("Registrerade behov", "Registered needs"),
    "maps.layer.services": ("Service: {category}", "Services: {category}"),
    # Legend.
    "maps.legend.title": ("Teckenförklaring", "Legend"),
    "maps.legend.services": ("Service", "Services"),
    "maps.legend.population": (
        "Befolkning, invånare per ruta ({size} m)",
        "Population, residents per cell ({size} m)",
    ),
    "maps.legend.travel_time": ("{title}, restid i minuter", "{title}, travel time in minutes"),
    "maps.legend.roads": ("Vägar", "Roads"),
    "maps.legend.needs": ("Registrerat behov", "Registered need"),
    "maps.legend.localities": ("Ort (tätort eller by)", "Locality (town or village)"),
    "maps.legend.boundary": ("Områdesgräns", "Boundary"),
    "maps.legend.water": ("Sjö eller vattendrag", "Lake or river"),
    "maps.band.range": ("{low}–{high}", "{low}–{high}"),
    "maps.band.at_least": ("{low} eller fler", "{low} or more"),
    "maps.band.over": ("över {low}", "over {low}"),
    "maps.aria.legend": ("Kartans teckenförklaring", "Map legend"),
    # Popups and details.
    "maps.field.category": ("Kategori", "Category"),
    "maps.field.name": ("Namn", "Name"),
    "maps.field.operator": ("Drivs av", "Operated by"),
    "maps.field.sector": ("Huvudman", "Sector"),
    "maps.field.opening_hours": ("Öppettider", "Opening hours"),
    "maps.field.hours_per_week": ("Öppet, timmar per vecka", "Open, hours per week"),
    "maps.field.annual_cost": ("Årskostnad", "Annual cost"),
    "maps.field.capacity": ("Kapacitet", "Capacity"),
    "maps.field.kind": ("Typ", "Kind"),
    "maps.field.population": ("Invånare", "Residents"),
    "maps.field.pop_0_15": ("0–15 år", "Aged 0–15"),
    "maps.field.pop_16_64": ("16–64 år", "Aged 16–64"),
    "maps.field.pop_65_79": ("65–79 år", "Aged 65–79"),
    "maps.field.pop_80_plus": ("80 år och äldre", "Aged 80 and over"),
    "maps.field.travel_time": ("Restid", "Travel time"),
    "maps.field.need_text": ("Beskrivning", "Description"),
    "maps.field.people_count": ("Antal personer", "Number of people"),
    "maps.field.registrant_type": ("Registrerat av", "Registered by"),
    "maps.field.status": ("Status", "Status"),
    "maps.field.created_at": ("Registrerat", "Registered"),
    "maps.unit.sek": ("{value} kr", "SEK {value}"),
    "maps.cell_tooltip": ("{count} invånare", "{count} residents"),
    "maps.count_tooltip": ("{title}: {count}", "{title}: {count}"),
    # The planner map page.
    "planner_map.layers": ("Lager", "Layers"),
    "planner_map.categories": ("Servicekategorier", "Service categories"),
    "planner_map.show_population": ("Befolkning (rutnät)", "Population (grid)"),
    "planner_map.show_roads": ("Vägar", "Roads"),
    "planner_map.show_localities": ("Orter", "Localities"),
    "planner_map.show_needs": ("Registrerade behov", "Registered needs"),
    "planner_map.online_tiles": (
        "Erbjud OpenStreetMap som bakgrund (slås på i kartans lagermeny och hämtas då från "
        "internet)",
        "Offer OpenStreetMap as a background (switched on in the map's layer menu; it is then "
        "loaded from the internet)",
    ),
    "planner_map.travel_time_placeholder": (
        "Restidslager per kategori och färdsätt läggs till här.",
        "Travel-time layers per category and mode will be added here.",
    ),
    "planner_map.map_label": ("Karta över {region}", "Map of {region}"),
    "planner_map.fictional_caption": (
        "Kartan visar fiktiva demodata. Platser, vägar och befolkning är påhittade.",
        "The map shows fictional demo data. Places, roads and population are invented.",
    ),
    "planner_map.details": ("Vald plats på kartan", "Selected place on the map"),
    "planner_map.details_hint": (
        "Klicka på en servicepunkt eller ett behov på kartan för att se detaljer här.",
        "Click a service point or a need on the map to see its details here.",
    ),
    "planner_map.details_service": ("Service", "Service"),
    "planner_map.details_need": ("Registrerat behov", "Registered need"),
    "planner_map.field": ("Uppgift", "Field"),
    "planner_map.value": ("Värde", "Value"),
    "planner_map.summary": (
        "{services} servicepunkter i {categories} kategorier, {residents} invånare.",
        "{services} service points in {categories} categories, {residents} residents.",
    ),
    "planner_map.travel_times": ("Restider", "Travel times"),
    "planner_map.time_category": ("Restid till", "Travel time to"),
    "planner_map.by_category": (
        "Visa per servicekategori i stället för per behov",
        "Show per service category instead of per need",
    ),
    "planner_map.e2sfca_category_only": (
        "Utbud per invånare räknas per servicekategori: slå på visning per servicekategori "
        "i sidopanelen och välj en kategori.",
        "Supply per resident is computed per service category: switch to service categories "
        "in the sidebar and choose one.",
    ),
    "planner_map.time_mode": ("Färdsätt", "Mode"),
    "planner_map.computing": ("Beräknar restider längs vägnätet …", "Computing travel times …"),
    "planner_map.details_cell": (
        "Ruta {cell_id} ({residents} invånare): restid till närmaste service",
        "Cell {cell_id} ({residents} residents): travel time to the nearest service",
    ),
    "planner_map.indicator_title": (
        "Tillgänglighet per ort: {category}, {mode}",
        "Access per locality: {category}, {mode}",
    ),
    "planner_map.age_group": ("Åldersgrupp", "Age group"),
    "planner_map.indicator_caption": (
        "Andelar av invånarna i gruppen som når närmaste service inom respektive restid längs "
        "vägnätet (inklusive gång till och från vägen). Median och 90:e percentil gäller alla "
        "invånare i gruppen.",
        "Shares of the group's residents reaching the nearest service within each travel time "
        "over the road network (including the walk to and from the road). Median and 90th "
        "percentile are over all residents of the group.",
    ),
    "maps.diff.faster_more": ("mer än {minutes} min snabbare", "over {minutes} min faster"),
    "maps.diff.faster": ("{low}–{high} min snabbare", "{low}–{high} min faster"),
    "maps.diff.same": ("oförändrad (±0,5 min)", "unchanged (±0.5 min)"),
    "maps.diff.slower": ("{low}–{high} min längre", "{low}–{high} min slower"),
    "maps.diff.slower_more": ("mer än {minutes} min längre", "over {minutes} min slower"),
    "maps.diff.lost": ("förlorar all tillgång", "loses all access"),
    "maps.field.travel_time_change": ("Ändrad restid", "Change in travel time"),
    "maps.changed.new": ("Ny eller flyttad: {name}", "New or moved: {name}"),
    "maps.changed.closed": ("Stängs: {name}", "Closes: {name}"),
    "maps.layer.scenario_changes": ("Scenariots ändringar", "The scenario's changes"),
    "maps.layer.candidates": ("Möjliga platser för servicepunkter", "Possible hub sites"),
    "maps.layer.candidate": ("Möjlig plats", "Possible site"),
    "maps.isochrone.band": ("inom {minutes} min", "within {minutes} min"),
    "planner_map.isochrones": (
        "Restidszoner från en punkt jag klickar på",
        "Travel-time zones from a point I click",
    ),
    "planner_map.isochrone_title": (
        "Nås från klickad punkt, {mode}",
        "Reached from the click, {mode}",
    ),
    "planner_map.isochrone_hint": (
        "Klicka på kartan för att se vad som nås inom 5, 10, 20 och 30 minuter därifrån.",
        "Click the map to see what is reached within 5, 10, 20 and 30 minutes from there.",
    ),
    "planner_map.e2sfca_title": (
        "Kapacitet per 1 000 invånare inom 30 min (E2SFCA)",
        "Capacity per 1,000 residents within 30 min (E2SFCA)",
    ),
    "planner_map.e2sfca_caption": (
        "Tvåstegsmetod med avståndsavtagande vikter (10/20/30 min): tjänsternas kapacitet "
        "(elever, patienter per dag eller 1 per servicepunkt) delad på invånarna som når dem, "
        "summerad för varje ruta och vägd per ort.",
        "Enhanced two-step floating catchment with step weights (10/20/30 min): the services' "
        "capacity (pupils, patients per day or 1 per service point) shared among the residents "
        "who reach them, summed per cell and weighted per locality.",
    ),
    "planner_map.e2sfca_value": ("Per 1 000 invånare", "Per 1,000 residents"),
}
