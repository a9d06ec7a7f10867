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
    "needs_ui.form_title": ("Registrera ett behov", "Register a need"),
    "needs_ui.category": ("Vad saknas?", "What is missing?"),
    "needs_ui.location": ("Var?", "Where?"),
    "needs_ui.clicked_point": ("Platsen jag markerade på kartan", "The place I marked on the map"),
    "needs_ui.location_help": (
        "Klicka på kartan för att markera en plats, eller välj en ort.",
        "Click the map to mark a place, or choose a locality.",
    ),
    "needs_ui.text": ("Beskriv behovet kort", "Describe the need briefly"),
    "needs_ui.text_help": (
        "Skriv inga personuppgifter här. Texten visas bara för kommunens planerare.",
        "Do not write personal data here. The text is shown only to the municipality's planners.",
    ),
    "needs_ui.registrant": ("Jag registrerar som", "I am registering as"),
    "needs_ui.people": ("Hur många berörs?", "How many people does it concern?"),
    "needs_ui.contact": (
        "Kontaktuppgift (frivillig – publiceras aldrig)",
        "Contact details (optional – never published)",
    ),
    "needs_ui.contact_help": (
        "E-post eller telefon om du vill att kommunen ska kunna återkoppla. Visas bara för "
        "planerare och raderas enligt kommunens gallringsregler.",
        "E-mail or phone if you want the municipality to get back to you. Shown only to planners "
        "and erased according to the retention rules.",
    ),
    "needs_ui.submit": ("Skicka", "Send"),
    "needs_ui.fix_these": (
        "Behovet sparades inte. Rätta följande:",
        "The need was not saved. Fix:",
    ),
    "needs_ui.saving": ("Sparar …", "Saving …"),
    "needs_ui.receipt": (
        "Tack! Ditt behov är sparat med kod {code} ({when}). Ange koden om du kontaktar kommunen.",
        "Thank you! Your need is saved with code {code} ({when}). Quote the code if you contact "
        "the municipality.",
    ),
    "needs_ui.audit": ("Ändringslogg", "Audit trail"),
    "needs_ui.category_filter": ("Kategori", "Category"),
    "needs_ui.status_filter": ("Status", "Status"),
    "needs_ui.registrant_filter": ("Registrerad av", "Registered by"),
    "needs_ui.locality_filter": ("Ort", "Locality"),
    "needs_ui.date_filter": ("Datum (från – till)", "Date (from – to)"),
    "needs_ui.filters": ("Filter", "Filters"),
    "needs_ui.cells_title": ("Behov per km-ruta", "Needs per km cell"),
    "needs_ui.col_category": ("Kategori", "Category"),
    "needs_ui.col_code": ("Kod", "Code"),
    "needs_ui.col_date": ("Registrerad", "Registered"),
    "needs_ui.col_locality": ("Ort", "Locality"),
    "needs_ui.col_minutes": ("Restid, min", "Travel time, min"),
    "needs_ui.col_people": ("Berörda", "People"),
    "needs_ui.col_registrant": ("Registrerad av", "Registered by"),
    "needs_ui.col_status": ("Status", "Status"),
    "needs_ui.col_text": ("Beskrivning", "Description"),
    "needs_ui.computing": ("Beräknar restider …", "Computing travel times …"),
    "needs_ui.contact_shown": (
        "Kontaktuppgift (endast för planerare, publiceras aldrig):",
        "Contact details (planners only, never published):",
    ),
    "needs_ui.count": ("{count} behov matchar filtren.", "{count} needs match the filters."),
    "needs_ui.detail": ("Behov {code}", "Need {code}"),
    "needs_ui.empty": ("Inga registrerade behov matchar filtren.", "No registered needs match."),
    "needs_ui.erase": ("Radera behovet helt", "Erase the need completely"),
    "needs_ui.erase_confirm": ("Ja, radera permanent", "Yes, erase permanently"),
    "needs_ui.erase_warning": (
        "Behovet tas bort ur databasfilen och ur alla exporter. Det går inte att ångra.",
        "The need is removed from the database file and every export. This cannot be undone.",
    ),
    "needs_ui.erased": ("Behovet är raderat.", "The need is erased."),
    "needs_ui.export": ("Exportera", "Export"),
    "needs_ui.export_contact": (
        "Ta med kontaktuppgifter (personuppgifter – hantera varsamt)",
        "Include contact details (personal data – handle with care)",
    ),
    "needs_ui.export_csv": ("Ladda ned CSV (Excel)", "Download CSV (Excel)"),
    "needs_ui.export_geojson": ("Ladda ned GeoJSON", "Download GeoJSON"),
    "needs_ui.import": ("Importera behov (CSV eller GeoJSON)", "Import needs (CSV or GeoJSON)"),
    "needs_ui.import_file": ("Välj fil", "Choose a file"),
    "needs_ui.import_go": ("Importera giltiga rader", "Import the valid rows"),
    "needs_ui.import_ignore": ("(ignorera kolumnen)", "(ignore the column)"),
    "needs_ui.import_mapping": (
        "Koppla filens okända kolumner till fält (eller ignorera dem):",
        "Map the file's unknown columns to fields (or ignore them):",
    ),
    "needs_ui.import_preview": (
        "Förhandsvisning – koordinatsystem: {crs}; {valid} giltiga rader, {errors} med fel. "
        "Inget sparas förrän du importerar.",
        "Preview – coordinate system: {crs}; {valid} valid rows, {errors} with errors. Nothing "
        "is saved until you import.",
    ),
    "needs_ui.imported": ("{count} behov importerade.", "{count} needs imported."),
    "needs_ui.map_view": ("Visa", "Show"),
    "needs_ui.map_view_points": ("Punkter", "Points"),
    "needs_ui.map_view_cells": ("Antal per km-ruta", "Count per km cell"),
    "needs_ui.merge": ("Slå ihop med detta behov", "Merge into this need"),
    "needs_ui.merge_pick": ("Dubbletter att slå ihop", "Duplicates to merge"),
    "needs_ui.merged": ("{count} dubbletter sammanslagna.", "{count} duplicates merged."),
    "needs_ui.mode": ("Färdsätt", "Mode"),
    "needs_ui.per_locality": ("Behov per ort och kategori", "Needs per locality and category"),
    "needs_ui.reason": (
        "Motivering (krävs vid avvisning)",
        "Reason (required when rejecting)",
    ),
    "needs_ui.retention": ("Gallring av kontaktuppgifter", "Retention of contact details"),
    "needs_ui.retention_days": (
        "Radera kontaktuppgifter för avslutade behov äldre än (dagar)",
        "Erase contact details of closed needs older than (days)",
    ),
    "needs_ui.retention_go": ("Gallra nu", "Apply now"),
    "needs_ui.retention_done": (
        "Kontaktuppgifter raderade för {count} behov.",
        "Contact details erased for {count} needs.",
    ),
    "needs_ui.save_edit": ("Spara ändring", "Save change"),
    "needs_ui.save_status": ("Spara status", "Save status"),
    "needs_ui.saved": ("Sparat.", "Saved."),
    "needs_ui.select_hint": (
        "Markera en rad för att granska, ändra status, slå ihop eller radera.",
        "Select a row to review, change status, merge or erase.",
    ),
    "needs_ui.tab_analysis": ("Analys", "Analysis"),
    "needs_ui.tab_io": ("Import och export", "Import and export"),
    "needs_ui.tab_list": ("Lista", "List"),
    "needs_ui.tab_map": ("Karta", "Map"),
    "needs_ui.tab_new": ("Nytt behov", "New need"),
    "needs_ui.text_edit": ("Beskrivning", "Description"),
    "needs_ui.threshold": ("Restidsgräns, minuter", "Travel-time threshold, minutes"),
    "needs_ui.unmet": (
        "Ouppfyllda behov: längre än gränsen till närmaste service av behovets kategori",
        "Unmet needs: beyond the threshold from the nearest service of the need's category",
    ),
    "needs_ui.unmet_caption": (
        "{count} behov ligger längre än {minutes} min från närmaste service av sin kategori "
        "(restid längs vägnätet).",
        "{count} needs are more than {minutes} min from the nearest service of their category "
        "(travel time over the road network).",
    ),
    "public.intro": (
        "Se hur långt du har till närmaste service – med bil, cykel och till fots. Välj din ort "
        "eller tryck på kartan där du bor.",
        "See how far you have to the nearest services – by car, bicycle and on foot. Choose your "
        "locality or tap the map where you live.",
    ),
    "public.choose_locality": ("Välj ort", "Choose a locality"),
    "public.no_locality": ("– välj ort –", "– choose –"),
    "public.tap_hint": (
        "Tryck eller klicka på kartan för att välja en plats. Rutor visar registrerade behov "
        "(bara där de är minst fem).",
        "Tap or click the map to choose a place. Squares show registered needs (only where "
        "there are at least five).",
    ),
    "public.needs_layer": ("Registrerade behov per km-ruta", "Registered needs per km cell"),
    "public.your_place": ("Din plats", "Your place"),
    "public.choose_first": (
        "Välj en ort eller tryck på kartan så visas restiderna här.",
        "Choose a locality or tap the map to see the travel times here.",
    ),
    "public.computing": ("Beräknar restider …", "Computing travel times …"),
    "public.off_network": (
        "Platsen ligger långt från närmaste väg (mer än 2 km), så ingen restid kan beräknas. "
        "Välj en plats närmare en väg.",
        "The place is far from the nearest road (more than 2 km), so no travel time can be "
        "computed. Choose a place closer to a road.",
    ),
    "public.nearest": ("Närmaste service", "Nearest services"),
    "public.col_service": ("Service", "Service"),
    "public.col_nearest": ("Närmaste (med bil)", "Nearest (by car)"),
    "public.method": (
        "Restid längs vägnätet från platsen till närmaste servicepunkt, inklusive gång till och "
        "från vägen. Bil enligt hastighetsgränser, cykel 15 km/h, gång 5 km/h.",
        "Travel time over the road network from the place to the nearest service, including the "
        "walk to and from the road. Car at speed limits, bicycle 15 km/h, walking 5 km/h.",
    ),
    "public.list_mode": ("Visa vad som nås med", "Show what is reached by"),
    "public.within": ("Inom {minutes} minuter", "Within {minutes} minutes"),
    "public.nothing": ("Inget", "Nothing"),
    "public.needs_title": ("Saknar du något?", "Is something missing?"),
    "public.needs_explained": (
        "Berätta för kommunen vad som saknas där du bor. Behoven används i planeringen. På "
        "kartan visas de bara som antal per kvadratkilometer och bara där minst {k} behov finns, "
        "så att ingen enskild kan pekas ut.",
        "Tell the municipality what is missing where you live. Needs are used in planning. On "
        "the map they appear only as counts per square kilometre, and only where there are at "
        "least {k}, so that no individual can be singled out.",
    ),
    "import_ui.intro": (
        "Bygg ett eget område av öppna data: ett OpenStreetMap-extrakt, SCB:s befolkningsrutor, "
        "kommungränsen och gärna kommunens egna servicelistor. Allt läses från filerna du laddar "
        "upp; ett misslyckat försök sparar ingenting och rör inte befintliga områden. Filerna "
        "hämtas på en dator med internet med `python -m analysis.importer fetch` (se "
        "docs/IMPORT.md).",
        "Build your own region from open data: an OpenStreetMap extract, SCB's population grid, "
        "the municipal boundary and preferably the municipality's own service lists. Everything "
        "is read from the uploaded files; a failed attempt saves nothing and leaves existing "
        "regions untouched. Download the inputs on a machine with internet with `python -m "
        "analysis.importer fetch` (see docs/IMPORT.md).",
    ),
    "import_ui.region_id": ("Områdets id", "Region id"),
    "import_ui.region_id_help": (
        "Små bokstäver, siffror, - och _, t.ex. storsjobygd.",
        "Lower-case letters, digits, - and _, e.g. storsjobygd.",
    ),
    "import_ui.name": ("Namn som visas i appen", "Name shown in the app"),
    "import_ui.municipality": (
        "Kommunkod (fyra siffror, t.ex. 2321)",
        "Municipality code (e.g. 2321)",
    ),
    "import_ui.buffer": ("Buffertzon runt kommunen (meter)", "Buffer around the municipality (m)"),
    "import_ui.osm": ("OSM-extrakt (.osm.pbf)", "OSM extract (.osm.pbf)"),
    "import_ui.boundary": (
        "Kommungränser (GeoJSON eller GeoPackage) – lämna tomt för att ta gränsen från OSM",
        "Municipal boundaries (GeoJSON or GeoPackage) – leave empty to use OSM's boundary",
    ),
    "import_ui.population": (
        "Befolkningsrutor från SCB (CSV, GeoPackage eller zip)",
        "SCB population grid (CSV, GeoPackage or zip)",
    ),
    "import_ui.localities": ("Tätorter/småorter från SCB (valfritt)", "SCB localities (optional)"),
    "import_ui.services": ("Kommunens egna servicelistor", "The municipality's own service lists"),
    "import_ui.mapping": ("Kolumnmappning (JSON, valfritt)", "Column mapping (JSON, optional)"),
    "import_ui.mapping_help": (
        'Filens kolumn -> fält, t.ex. {"Namn": "name", "Typ": "category", "E": "x", "N": "y"}.',
        'File column -> field, e.g. {"Name": "name", "Type": "category", "E": "x", "N": "y"}.',
    ),
    "import_ui.mapping_invalid": (
        'Kolumnmappningen är inte giltig JSON. Skriv den som {"kolumn": "fält"}.',
        'The column mapping is not valid JSON. Write it as {"column": "field"}.',
    ),
    "import_ui.preview": ("Förhandsgranska listor", "Preview lists"),
    "import_ui.preview_none": ("Ladda upp en servicelista först.", "Upload a service list first."),
    "import_ui.preview_caption": (
        "Koordinatsystem: {crs}; {rows} rader. Inget har sparats.",
        "Coordinate system: {crs}; {rows} rows. Nothing has been saved.",
    ),
    "import_ui.preview_errors": (
        "{count} rader har fel och måste rättas innan listan kan importeras:",
        "{count} rows have errors and must be fixed before the list can be imported:",
    ),
    "import_ui.start": ("Starta import", "Start import"),
    "import_ui.missing": ("Fyll i eller ladda upp: {fields}.", "Fill in or upload: {fields}."),
    "import_ui.starting": ("Startar …", "Starting …"),
    "import_ui.failed": (
        "Importen avbröts och inget sparades.",
        "The import stopped; nothing was saved.",
    ),
    "import_ui.done": ("Klart", "Done"),
    "import_ui.success": (
        "Området {name} ({region_id}) är importerat och kan väljas i menyn till vänster.",
        "The region {name} ({region_id}) is imported and can be chosen in the sidebar.",
    ),
    "import_ui.report": ("Datakvalitet", "Data quality"),
    "import_ui.report_for": (
        "Rapport för området {region_id}",
        "Report for the region {region_id}",
    ),
    "quality.region_id": ("Område", "Region"),
    "quality.counts": ("Antal per lager", "Features per layer"),
    "quality.population_total": ("Befolkning totalt", "Total population"),
    "quality.road_km_by_class": ("Väglängd per vägklass (km)", "Road length by class (km)"),
    "quality.services_by_category": ("Serviceställen per kategori", "Services per category"),
    "quality.categories_without_service": (
        "Kategorier utan service (kommunen och buffertzonen)",
        "Categories without a service (municipality and buffer)",
    ),
    "quality.categories_without_service_inside_municipality": (
        "Kategorier utan service inom kommunen",
        "Categories without a service inside the municipality",
    ),
    "quality.network": ("Vägnät", "Road network"),
    "quality.dropped": ("Bortsorterat", "Dropped"),
    "quality.notes": ("Anmärkningar", "Notes"),
    "quality.warnings": ("Varningar", "Warnings"),
    "quality.sources": ("Källor", "Sources"),
    "quality.buffer_m": ("Buffertzon (m)", "Buffer (m)"),
    "quality.drivable_road_km": ("Bilvägar (km)", "Drivable roads (km)"),
    "quality.fragments": ("Delar som inte hänger ihop", "Disconnected fragments"),
    "quality.largest_fragment_share_of_length": (
        "Största sammanhängande delens andel av väglängden",
        "Largest fragment's share of road length",
    ),
    "quality.share_population_within_snap_distance": (
        "Andel invånare inom 2 km från bilväg",
        "Share of residents within 2 km of a drivable road",
    ),
    "quality.share_population_off_largest_fragment": (
        "Andel invånare vid vägar utanför det största vägnätet",
        "Share of residents off the largest network",
    ),
    "quality.access_leg_m": ("Avstånd till närmaste väg (m)", "Distance to the nearest road (m)"),
    "quality.population_share_by_access_leg_m": (
        "Andel invånare per avstånd till väg",
        "Share of residents by distance to a road",
    ),
    "import_ui.col_section": ("Avsnitt", "Section"),
    "import_ui.col_item": ("Post", "Item"),
    "import_ui.col_value": ("Värde", "Value"),
    "council.presentation": ("Presentationsläge (stor text, ingen meny)", "Presentation mode"),
    "council.no_scenarios": (
        "Inga sparade scenarier ännu. Skapa och spara ett scenario under Scenarier först.",
        "No saved scenarios yet. Create and save one under Scenarios first.",
    ),
    "council.scenario": ("Scenario att visa", "Scenario to show"),
    "council.gone": ("Scenariot har raderats.", "The scenario was deleted."),
    "council.col_gaining": (
        "Kortare restid till minst ett behov",
        "Shorter trip to at least one need",
    ),
    "council.col_slower": ("Längre restid till någon service", "Longer trip to some service"),
    "council.col_within": (
        "Inom {minutes} min ({need}): i dag → med förslaget",
        "Within {minutes} min ({need}): today → with the proposal",
    ),
    "council.table_title": (
        "Orter där någon får kortare eller längre restid",
        "Localities where someone's trip gets shorter or longer",
    ),
    "council.updated": (
        "Uppdaterad {time} · {needs} registrerade behov · uppdateras var {seconds}:e sekund",
        "Updated {time} · {needs} registered needs · refreshes every {seconds} s",
    ),
    "council.map_before": ("I dag: {subject}", "Today: {subject}"),
    "council.map_after": ("Med förslaget: {subject}", "With the proposal: {subject}"),
    "council.map_subject": (
        "all vardagsservice på ett ställe, bil",
        "all everyday services at one place, car",
    ),
    "council.map_subject_need": ("restid till {need}, bil", "time to {need}, car"),
    "council.map_caption": (
        "Varje ruta är 250 × 250 meter där någon bor. Färgen visar bilrestiden; kartorna "
        "öppnas där restiderna ändras och har samma utsnitt och färger.",
        "Each square is 250 × 250 metres where someone lives. The colour shows the driving "
        "time; the maps open where times change and share extent and colours.",
    ),
    "council.brief_title": (
        "Beslutsunderlag: samordnad service",
        "Decision brief: co-located services",
    ),
    "council.source_needs": (
        "Registrerade behov ur Servicekartans databas",
        "Registered needs from Servicekartan's database",
    ),
    "council.download_pdf": ("Ladda ned beslutsunderlag (PDF)", "Download the brief (PDF)"),
    "council.download_png": ("Ladda ned som bild (PNG)", "Download as image (PNG)"),
    "public.needs_cells": (
        "Registrerade behov visas i {count} rutor om 1 km².",
        "Registered needs are shown in {count} cells of 1 km².",
    ),
    "needs_ui.col_needs": ("Antal behov", "Needs"),
    "needs_ui.text_limit": ("Högst {limit} tecken.", "At most {limit} characters."),
    "needs_ui.filter_all": ("Alla (välj för att begränsa)", "All (choose to narrow down)"),
    "needs_ui.merge_placeholder": ("Välj behov med koden", "Choose needs by code"),
    "layer.boundary": ("Kommungräns", "Boundary"),
    "layer.roads": ("Vägar", "Roads"),
    "layer.water": ("Sjöar och vattendrag", "Lakes and rivers"),
    "layer.localities": ("Orter", "Localities"),
    "layer.population": ("Befolkningsrutor", "Population cells"),
    "layer.sites": ("Platser", "Sites"),
    "layer.services": ("Servicepunkter", "Service points"),
    "layer.needs": ("Registrerade behov", "Registered needs"),
}
