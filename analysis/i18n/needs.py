"""Texts of registered needs and of the DuckDB store: labels, validation and store errors."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- Store errors ---
    "store.busy": (
        "Databasen är upptagen av en annan process (väntade {seconds} s). "
        "Försök igen om en stund; inget har sparats.",
        "The database is busy in another process (waited {seconds} s). "
        "Try again in a moment; nothing was saved.",
    ),
    "store.conflict": (
        "Ändringen krockade hela tiden med andra ändringar och sparades inte. "
        "Ladda om sidan och försök igen.",
        "The change kept conflicting with other changes and was not saved. "
        "Reload the page and try again.",
    ),
    "store.too_new": (
        "Databasen har schemaversion {found}, nyare än programmets ({expected}). "
        "Uppdatera Servicekartan.",
        "The database has schema version {found}, newer than this program ({expected}). "
        "Update Servicekartan.",
    ),
    "store.no_spatial": (
        "Tillägget spatial saknas; installera paketet duckdb-extension-spatial=={version}.",
        "The spatial extension is missing; install duckdb-extension-spatial=={version}.",
    ),
    # --- Field names (form labels, CSV headers) ---
    "needs.field.need_id": ("id", "id"),
    "needs.field.short_code": ("kod", "code"),
    "needs.field.region_id": ("område", "region"),
    "needs.field.category": ("kategori", "category"),
    "needs.field.x": ("x (SWEREF 99 TM)", "x (SWEREF 99 TM)"),
    "needs.field.y": ("y (SWEREF 99 TM)", "y (SWEREF 99 TM)"),
    "needs.field.locality_id": ("ort", "locality"),
    "needs.field.text": ("beskrivning", "description"),
    "needs.field.registrant_type": ("registrerad av", "registered by"),
    "needs.field.people_count": ("antal personer", "number of people"),
    "needs.field.status": ("status", "status"),
    "needs.field.status_reason": ("motivering", "reason"),
    "needs.field.contact": ("kontaktuppgift", "contact details"),
    "needs.field.created_at": ("registrerad", "registered"),
    "needs.field.updated_at": ("ändrad", "updated"),
    "needs.field.merged_into": ("sammanslagen med", "merged into"),
    "needs.field.location": ("plats", "location"),
    # --- Vocabularies (labels of registrant types and statuses live in categories.py) ---
    "needs.total": ("Alla kategorier", "All categories"),
    # --- Validation (each says what to fix) ---
    "needs.error.category": (
        "Välj en kategori i listan (fick {value!r}).",
        "Choose a category from the list (got {value!r}).",
    ),
    "needs.error.location_missing": (
        "Ange en plats: klicka i kartan eller välj en ort.",
        "Give a location: click on the map or choose a locality.",
    ),
    "needs.error.location_number": (
        "Koordinaterna måste vara tal.",
        "The coordinates must be numbers.",
    ),
    "needs.error.location_outside": (
        "Platsen ligger utanför {region}; välj en plats inom området.",
        "The location is outside {region}; choose a location inside the region.",
    ),
    "needs.error.locality_unknown": (
        "Orten {value!r} finns inte i området; välj en ort i listan.",
        "The locality {value!r} is not in the region; choose one from the list.",
    ),
    "needs.error.text_missing": (
        "Beskriv behovet med några ord.",
        "Describe the need in a few words.",
    ),
    "needs.error.text_long": (
        "Beskrivningen är {length} tecken; korta den till högst {limit} tecken.",
        "The description is {length} characters; shorten it to at most {limit}.",
    ),
    "needs.error.registrant_type": (
        "Ange vem som registrerar: invånare, förening, företag eller offentlig aktör.",
        "Say who registers: resident, association, business or public body.",
    ),
    "needs.error.people_count": (
        "Antal personer ska vara ett heltal från {low} till {high}.",
        "The number of people must be a whole number from {low} to {high}.",
    ),
    "needs.error.contact_long": (
        "Kontaktuppgiften är för lång; högst {limit} tecken.",
        "The contact details are too long; at most {limit} characters.",
    ),
    "needs.error.status": (
        "Okänd status {value!r}; välj en av: {allowed}.",
        "Unknown status {value!r}; choose one of: {allowed}.",
    ),
    "needs.error.reason_required": (
        "Skriv en motivering när ett behov avvisas.",
        "Write a reason when rejecting a need.",
    ),
    "needs.error.unknown_need": (
        "Behovet {need_id!r} finns inte (det kan ha raderats).",
        "The need {need_id!r} does not exist (it may have been erased).",
    ),
    "needs.error.field_not_editable": (
        "Fältet {field!r} kan inte ändras här.",
        "The field {field!r} cannot be edited here.",
    ),
    "needs.error.merge": (
        "Sammanslagningen går inte: {detail}",
        "The merge is not possible: {detail}",
    ),
    "needs.error.merge_self": (
        "ett behov kan inte slås samman med sig självt.",
        "a need cannot be merged with itself.",
    ),
    "needs.error.merge_merged": (
        "behovet {need_id!r} är redan sammanslaget med ett annat.",
        "the need {need_id!r} is already merged into another.",
    ),
    "needs.error.merge_region": (
        "behoven hör till olika områden.",
        "the needs belong to different regions.",
    ),
    "needs.error.merge_empty": (
        "välj minst ett behov att slå samman.",
        "choose at least one need to merge.",
    ),
    "needs.error.days": (
        "Antal dagar måste vara 0 eller mer.",
        "The number of days must be 0 or more.",
    ),
    # --- Import ---
    "needs.import.file_type": (
        "Filen {name!r} är varken CSV eller GeoJSON; spara den som .csv eller .geojson.",
        "The file {name!r} is neither CSV nor GeoJSON; save it as .csv or .geojson.",
    ),
    "needs.import.encoding": (
        "Filen går inte att läsa som text; spara den som CSV UTF-8.",
        "The file cannot be read as text; save it as CSV UTF-8.",
    ),
    "needs.import.empty": ("Filen innehåller inga rader.", "The file has no rows."),
    "needs.import.bad_json": (
        "GeoJSON-filen går inte att läsa: {detail}",
        "The GeoJSON file cannot be read: {detail}",
    ),
    "needs.import.mapping": (
        "Kolumnen {column!r} i kolumnmatchningen finns inte i filen; kolumnerna är: {columns}.",
        "The column {column!r} of the mapping is not in the file; the columns are: {columns}.",
    ),
    "needs.import.mapping_target": (
        "{field!r} är inget fält för behov; välj bland: {fields}.",
        "{field!r} is not a field of needs; choose among: {fields}.",
    ),
    "needs.import.crs_unknown": (
        "Koordinaterna liknar varken SWEREF 99 TM, RT90 eller WGS 84 inom Sverige; "
        "kontrollera kolumnerna för x och y.",
        "The coordinates look like neither SWEREF 99 TM, RT90 nor WGS 84 within Sweden; "
        "check the x and y columns.",
    ),
    "needs.import.crs_outside": (
        "koordinaten passar inte {crs} som resten av filen",
        "the coordinate does not fit {crs} like the rest of the file",
    ),
    "needs.import.not_point": (
        "geometrin är ingen punkt",
        "the geometry is not a point",
    ),
    "needs.import.date": (
        "datumet {value!r} går inte att läsa (skriv ÅÅÅÅ-MM-DD)",
        "the date {value!r} cannot be read (write YYYY-MM-DD)",
    ),
    "needs.import.crs.EPSG:3006": ("SWEREF 99 TM", "SWEREF 99 TM"),
    "needs.import.crs.EPSG:3021": ("RT90 2,5 gon V", "RT90 2.5 gon V"),
    "needs.import.crs.EPSG:4326": ("WGS 84 (longitud/latitud)", "WGS 84 (longitude/latitude)"),
}
