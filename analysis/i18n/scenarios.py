"""Texts of indicators, before/after comparisons, scenarios, optimisation and budgets."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "indicators.group.all": ("Hela kommunen", "Whole municipality"),
    "indicators.residents": ("Invånare", "Residents"),
    "indicators.share_within": ("Andel inom {minutes} min", "Share within {minutes} min"),
    "indicators.residents_beyond_longest": (
        "Invånare längre bort än {minutes} min",
        "Residents beyond {minutes} min",
    ),
    "indicators.residents_unreachable": (
        "Invånare som inte når fram",
        "Residents who cannot reach",
    ),
    "indicators.mean_reachable_min": (
        "Medelrestid för dem som når fram, min",
        "Mean travel time of those who reach, min",
    ),
    "indicators.median_min": ("Medianrestid, min", "Median travel time, min"),
    "indicators.p90_min": ("Restid som 90 % klarar, min", "90th percentile travel time, min"),
    "indicators.e2sfca": ("Tillgänglighetskvot (E2SFCA)", "Supply-to-demand ratio (E2SFCA)"),
    "indicators.bundle.share_at_least": (
        "Når minst {k} av {n} vardagsbehov inom {minutes} min",
        "Reach at least {k} of {n} everyday needs within {minutes} min",
    ),
    "indicators.bundle.share_all_one_place": (
        "Når alla {n} på ett ställe inom {minutes} min",
        "Reach all {n} at one place within {minutes} min",
    ),
    "indicators.bundle.mean_needs_reached": (
        "Antal behov som nås i genomsnitt",
        "Mean number of needs reached",
    ),
    "compare.gaining_within": ("Kommer inom {minutes} min", "Get within {minutes} min"),
    "compare.losing_within": ("Hamnar utanför {minutes} min", "Fall outside {minutes} min"),
    "compare.residents_faster": ("Får kortare restid", "Faster"),
    "compare.residents_slower": ("Får längre restid", "Slower"),
    "compare.residents_losing_all_access": ("Förlorar all tillgång", "Lose all access"),
    "compare.change": ("Förändring", "Change"),
    "age.pop_total": ("Alla", "Everyone"),
    "age.pop_0_15": ("0–15 år", "Age 0–15"),
    "age.pop_16_64": ("16–64 år", "Age 16–64"),
    "age.pop_65_79": ("65–79 år", "Age 65–79"),
    "age.pop_80_plus": ("80 år och äldre", "Age 80+"),
    "scen.choose": ("Scenario", "Scenario"),
    "scen.new": ("Nytt scenario (utgå från nuläget)", "New scenario (start from today)"),
    "scen.default_name": ("Nytt scenario", "New scenario"),
    "scen.tab_hub": ("Skapa servicepunkt", "Create a hub"),
    "scen.tab_close": ("Stäng eller flytta", "Close or move"),
    "scen.tab_hours": ("Öppettider", "Opening hours"),
    "scen.tab_optimise": ("Optimera platser", "Optimise sites"),
    "scen.tab_vulnerable": ("Sårbarhet vid stängning", "Closure vulnerability"),
    "scen.hub_help": (
        "En servicepunkt är en plats (skola, bibliotek, butik, bygdegård …) där flera tjänster "
        "samlas. Välj plats och vad den ska erbjuda; tjänster kan flyttas dit eller läggas till.",
        "A hub is a place (school, library, shop, village hall …) where several services come "
        "together. Choose the place and what it offers; services can be moved there or added.",
    ),
    "scen.site": ("Plats", "Site"),
    "scen.hub_categories": ("Tjänster i servicepunkten", "Services at the hub"),
    "scen.move_into_hub": (
        "Flytta befintliga tjänster hit i stället för att lägga till nya",
        "Move existing services here instead of adding new ones",
    ),
    "scen.new_service": ("Ny tjänst (läggs till)", "New service (added)"),
    "scen.add_hub": ("Lägg till servicepunkten", "Add the hub"),
    "scen.service": ("Servicepunkt", "Service point"),
    "scen.action": ("Åtgärd", "Action"),
    "scen.action_close": ("Stäng", "Close"),
    "scen.action_move": ("Flytta", "Move"),
    "scen.move_to": ("Flytta till", "Move to"),
    "scen.add_change": ("Lägg till ändringen", "Add the change"),
    "scen.opening_hours": ("Nya öppettider (OSM-format)", "New opening hours (OSM format)"),
    "scen.hours_per_week": ("Timmar per vecka", "Hours per week"),
    "scen.optimise_help": (
        "Hitta de platser där nya servicepunkter för de valda behoven gör mest nytta. Rutor "
        "som redan når alla de behoven på ett ställe inom gränsen räknas som täckta.",
        "Find the sites where new hubs for the chosen needs help most. Cells that already "
        "reach all those needs at one place within the threshold count as covered.",
    ),
    "scen.k": ("Antal servicepunkter", "Number of hubs"),
    "scen.problem": ("Mål", "Objective"),
    "scen.problem_mclp": ("Flest invånare inom tidsgränsen", "Most residents within the threshold"),
    "scen.problem_p_median": ("Kortast sammanlagd restid", "Shortest total travel time"),
    "scen.weight": ("Vikta efter", "Weight by"),
    "scen.use_needs": (
        "Räkna också personer bakom registrerade behov",
        "Also count the people behind registered needs",
    ),
    "scen.locked": ("Låsta platser (måste ingå)", "Locked sites (must be chosen)"),
    "scen.run_optimise": ("Optimera", "Optimise"),
    "scen.optimising": ("Optimerar …", "Optimising …"),
    "scen.plan_sites": ("Föreslagna platser: {sites}", "Proposed sites: {sites}"),
    "scen.plan_mclp": (
        "Invånare (viktade) inom {minutes} min från alla valda behov på ett ställe: "
        "{before} utan nya servicepunkter, {after} med dem (av {total}).",
        "Residents (weighted) within {minutes} min of all chosen needs at one place: "
        "{before} without new hubs, {after} with them (of {total}).",
    ),
    "scen.plan_p_median": (
        "Sammanlagd restid (invånarminuter): {before} utan nya servicepunkter, {after} med dem.",
        "Total travel time (resident-minutes): {before} without new hubs, {after} with them.",
    ),
    "scen.plan_method": (
        "Metod: {method}; bevisat bästa lösning: {optimal}; {seconds} s.",
        "Method: {method}; proven optimal: {optimal}; {seconds} s.",
    ),
    "scen.yes": ("ja", "yes"),
    "scen.no": ("nej", "no"),
    "scen.use_plan": ("Lägg förslaget i scenariot", "Add the proposal to the scenario"),
    "scen.optimise_needs": (
        "Behov som servicepunkterna ska uppfylla",
        "Needs the hubs are to meet",
    ),
    "scen.vulnerable_subject": ("Behov eller tjänst", "Need or service"),
    "scen.open_plan": ("Öppna förslaget som nytt scenario", "Open the proposal as a new scenario"),
    "scen.plan_compare_hint": (
        "Öppna förslaget som scenario för att se samma effekter som för ditt eget förslag, "
        "eller jämför dem sida vid sida längre ned.",
        "Open the proposal as a scenario to see the same effects as for your own, or compare "
        "the two side by side further down.",
    ),
    "scen.compare_title": ("Jämför två förslag", "Compare two proposals"),
    "scen.compare_toggle": (
        "Jämför med ett annat förslag",
        "Compare with another proposal",
    ),
    "scen.compare_none": (
        "Spara ett scenario eller kör optimeringen för att ha något att jämföra med.",
        "Save a scenario or run the optimisation to have something to compare with.",
    ),
    "scen.compare_with": ("Jämför med", "Compare with"),
    "scen.this_proposal": ("{name} (det här)", "{name} (this one)"),
    "scen.compare_plan": ("Optimeringens förslag", "The optimisation's proposal"),
    "scen.compare_caption": (
        "Samma nyckeltal för båda förslagen, jämfört med i dag ({mode}, vald åldersgrupp). "
        "+ är en ökning.",
        "The same figures for both proposals, compared with today ({mode}, chosen age group). "
        "+ is an increase.",
    ),
    "scen.vulnerable_help": (
        "Hur många invånare skulle hamna längre bort än {minutes} min om en servicepunkt "
        "stängde (de får då åka till den näst närmaste)?",
        "How many residents would end up beyond {minutes} min if a service point closed "
        "(they would then go to the second nearest)?",
    ),
    "scen.col_service": ("Servicepunkt", "Service point"),
    "scen.col_served": ("Har den närmast", "Nearest for"),
    "scen.col_losing": ("Hamnar utanför {minutes} min", "End up beyond {minutes} min"),
    "scen.col_added": ("Extra restid i snitt", "Mean added time"),
    "scen.changes": ("Ändringar i scenariot ({count})", "Changes in the scenario ({count})"),
    "scen.no_changes": (
        "Inga ändringar ännu: scenariot är samma som nuläget. Lägg till en servicepunkt ovan.",
        "No changes yet: the scenario equals today. Add a hub above.",
    ),
    "scen.change_hub": ("Servicepunkt i {site}: {categories}", "Hub at {site}: {categories}"),
    "scen.change_close": ("Stäng {service}", "Close {service}"),
    "scen.change_move": ("Flytta {service} till {site}", "Move {service} to {site}"),
    "scen.change_add": ("Ny {category} i {site}", "New {category} at {site}"),
    "scen.change_hours": (
        "Nya öppettider för {service}: {hours}",
        "New hours for {service}: {hours}",
    ),
    "scen.remove": ("Ta bort", "Remove"),
    "scen.computing": ("Räknar om restider och nyckeltal …", "Recomputing travel times …"),
    "scen.effects": ("Effekter jämfört med nuläget", "Effects compared with today"),
    "scen.metric_one_place": (
        "Invånare inom {minutes} min från all vardagsservice på ett ställe",
        "Residents within {minutes} min of all everyday services at one place",
    ),
    "scen.metric_old_pharmacy": (
        "Invånare 80+ längre än 30 min från apotek",
        "Residents 80+ beyond 30 min of a pharmacy",
    ),
    "scen.metric_needs_met": (
        "Registrerade behov som nu nås inom {minutes} min",
        "Registered needs now within {minutes} min",
    ),
    "scen.metric_cost": ("Förändrad årskostnad, alla aktörer", "Change in annual cost, all actors"),
    "scen.someone_slower": (
        "{count} invånare får längre restid till någon tjänst i det här scenariot. Se tabellen "
        "och de röda rutorna på kartan.",
        "{count} residents get a longer trip to some service in this scenario. See the table "
        "and the red cells on the map.",
    ),
    "scen.compare_subject": ("Visa förändring för", "Show the change for"),
    "scen.by_category": (
        "Visa per servicekategori i stället för per behov",
        "Show per service category instead of per need",
    ),
    "scen.nothing_changed": (
        "Inga restider ändras ännu: lägg till en ändring ovan.",
        "No travel time changes yet: add a change above.",
    ),
    "scen.effects_empty": (
        "Scenariot har inga ändringar ännu, så inget ändras. Lägg till en servicepunkt, "
        "stäng eller flytta en tjänst ovan.",
        "The scenario has no changes yet, so nothing changes. Add a hub, or close or move a "
        "service above.",
    ),
    "scen.within_before": ("Inom {minutes} min i dag", "Within {minutes} min today"),
    "scen.within_after": ("Inom {minutes} min med förslaget", "Within {minutes} min with it"),
    "scen.mean_saved": (
        "Sparade minuter per invånare med kortare restid",
        "Minutes saved per resident with a shorter trip",
    ),
    "scen.total_saved": ("Sparade invånarminuter, totalt", "Resident-minutes saved, total"),
    "scen.effect_download": ("Ladda ned tabellen (CSV)", "Download the table (CSV)"),
    "scen.map_title": (
        "Ändrad restid: {category}, {mode}",
        "Change in travel time: {category}, {mode}",
    ),
    "scen.table_title": (
        "Före och efter per ort: {subject}",
        "Before and after per locality: {subject}",
    ),
    "scen.mean_change": ("Ändrad medelrestid, min", "Change in mean time, min"),
    "scen.p90_change": ("Ändrad 90:e percentil, min", "Change in 90th percentile, min"),
    "scen.bundle_title": (
        "Vardagsservice ({n} behov) inom {minutes} min",
        "Everyday services ({n} needs) within {minutes} min",
    ),
    "scen.all_needs_before": ("Når alla, före", "Reach all, before"),
    "scen.all_needs_after": ("Når alla, efter", "Reach all, after"),
    "scen.one_place_before": ("Alla på ett ställe, före", "All at one place, before"),
    "scen.one_place_after": ("Alla på ett ställe, efter", "All at one place, after"),
    "scen.needs_met_title": (
        "Registrerade behov som blir uppfyllda ({count})",
        "Registered needs that become met ({count})",
    ),
    "scen.before": ("Före", "Before"),
    "scen.after": ("Efter", "After"),
    "scen.budget": ("Budget per aktör (kr per år)", "Budget per actor (SEK per year)"),
    "scen.budget_params": ("Antaganden om samlokalisering", "Co-location assumptions"),
    "scen.premises_share": ("Lokalernas andel av kostnaden", "Premises share of cost"),
    "scen.premises_saving": ("Besparing på lokaler", "Premises saving"),
    "scen.staff_share": ("Personalens andel av kostnaden", "Staff share of cost"),
    "scen.staff_saving": (
        "Besparing på personal vid samma öppettider",
        "Staff saving with shared hours",
    ),
    "scen.coordination_cost": (
        "Samordningskostnad per servicepunkt och år (kr, betalas av kommunen)",
        "Coordination cost per hub and year (SEK, paid by the municipality)",
    ),
    "scen.apply": ("Använd", "Apply"),
    "scen.budget_method": (
        "Besparingen i en servicepunkt delas efter varje aktörs kostnad där. Tjänster som flyttas "
        "in behåller sina öppettider och sparar då bara på lokaler; nya tjänster får "
        "servicepunktens gemensamma öppettider och sparar även på personal.",
        "The saving at a hub is split by each actor's cost there. Services moved in keep their "
        "hours and then save on premises only; new services get the hub's shared hours and also "
        "save on staff.",
    ),
    "scen.actor": ("Aktör", "Actor"),
    "scen.total": ("Totalt", "Total"),
    "scen.cost_before": ("Kostnad före", "Cost before"),
    "scen.cost_after": ("Kostnad efter", "Cost after"),
    "scen.cost_change": ("Förändring", "Change"),
    "scen.cost_saving": ("Varav samlokaliseringsvinst", "Of which co-location saving"),
    "scen.cost_per_resident": (
        "Kostnadsförändring för alla aktörer per invånare med kortare restid till minst ett "
        "behov ({count} invånare): {value} per år.",
        "Cost change of all actors per resident with a shorter trip to at least one need "
        "({count} residents): {value} per year.",
    ),
    "scen.budget_download": ("Ladda ned budgeten (CSV)", "Download the budget (CSV)"),
    "scen.save_title": ("Spara scenariot", "Save the scenario"),
    "scen.name": ("Namn", "Name"),
    "scen.author": ("Författare", "Author"),
    "scen.description": ("Beskrivning", "Description"),
    "scen.save": ("Spara", "Save"),
    "scen.save_copy": ("Spara som kopia", "Save as a copy"),
    "scen.name_missing": ("Ge scenariot ett namn innan du sparar.", "Name the scenario first."),
    "scen.saved": ("Scenariot {name} är sparat.", "The scenario {name} is saved."),
    "scen.delete": ("Radera scenariot", "Delete the scenario"),
    "scen.sectors_note": (
        "Aktörer i budgeten: {sectors}.",
        "Actors in the budget: {sectors}.",
    ),
    # Column headers of the budget CSV (one per analysis.budget.BUDGET_COLUMNS, "sector" is
    # scen.actor).
    "scen.csv_n_services_before": ("Antal tjänster före", "Services before"),
    "scen.csv_n_services_after": ("Antal tjänster efter", "Services after"),
    "scen.csv_n_moved": ("Antal flyttade tjänster", "Services moved"),
    "scen.csv_cost_before_sek": ("Kostnad före (kr)", "Cost before (SEK)"),
    "scen.csv_new_services_sek": ("Nya tjänster (kr)", "New services (SEK)"),
    "scen.csv_closed_services_sek": ("Stängda tjänster (kr)", "Closed services (SEK)"),
    "scen.csv_other_change_sek": ("Övriga förändringar (kr)", "Other changes (SEK)"),
    "scen.csv_colocation_saving_sek": ("Samlokaliseringsvinst (kr)", "Co-location saving (SEK)"),
    "scen.csv_coordination_cost_sek": ("Samordningskostnad (kr)", "Coordination cost (SEK)"),
    "scen.csv_cost_after_sek": ("Kostnad efter (kr)", "Cost after (SEK)"),
    "scen.csv_change_sek": ("Förändring (kr)", "Change (SEK)"),
    "scen.choose_sites": ("Välj platser", "Choose sites"),
    "scen.choose_categories": ("Välj tjänster", "Choose services"),
    "scen.click_site": (
        "Välj plats i listan, eller klicka på en plats (vit ruta) eller en servicepunkt på "
        "kartan längre ned.",
        "Choose a site in the list, or click a site (white square) or a service on the map below.",
    ),
}
