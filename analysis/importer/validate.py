"""Safe handling of input files: size limits, magic bytes, zip bombs and hidden references.

Nothing a user gives the importer (a path, an upload, a string) reaches GDAL untouched.  Every
input is first *staged*: its size is checked, its first bytes are sniffed and compared with what
its name says, and it is copied into a private temporary folder under a fixed, safe name
(``input-0.gpkg``, ...).  Only that copy is ever opened.  Text inputs are scanned for references
to other resources (GDAL virtual file systems, ``file://`` URLs, VRT XML) and GeoPackages are
inspected with :mod:`sqlite3` (read-only) before GDAL sees them.  GeoJSON and CSV are parsed in
Python and never passed to GDAL at all.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final
from urllib.parse import quote

from analysis.errors import ValidationError


class UnsafeInputError(ValidationError):
    """An input file that is too large, not what its name says, or refers to other resources."""


@dataclass(frozen=True)
class Limits:
    """Size limits of importer inputs (bytes, ratios).

    Attributes
    ----------
    max_osm_bytes
        Largest OSM extract (PBF or XML).  A Swedish county extract is 30-150 MB, all of
        Sweden about 700 MB.
    max_table_bytes
        Largest boundary, population or service file (GeoJSON, GeoPackage, CSV).
    max_zip_members
        Most entries a zip file may hold.
    max_zip_uncompressed_bytes
        Largest total uncompressed size of a zip file's entries.
    max_zip_ratio
        Highest compression ratio of any zip entry (zip bombs compress 1000:1 and more).
    """

    max_osm_bytes: int = 2 * 1024**3
    max_table_bytes: int = 500 * 1024**2
    max_zip_members: int = 50
    max_zip_uncompressed_bytes: int = 1024**3
    max_zip_ratio: float = 100.0


DEFAULT_LIMITS: Final = Limits()

#: File kinds the importer reads, by file name ending (longest ending first).
EXTENSION_KINDS: Final[tuple[tuple[str, str], ...]] = (
    (".osm.pbf", "pbf"),
    (".pbf", "pbf"),
    (".osm", "osm_xml"),
    (".geojson", "geojson"),
    (".json", "geojson"),
    (".gpkg", "gpkg"),
    (".csv", "csv"),
    (".zip", "zip"),
)
#: Safe file name ending of each kind inside the private staging folder.
SAFE_SUFFIX: Final = {
    "pbf": ".osm.pbf",
    "osm_xml": ".osm",
    "geojson": ".geojson",
    "gpkg": ".gpkg",
    "csv": ".csv",
    "zip": ".zip",
}
#: What each kind is called in messages (English, Swedish).
KIND_NAMES: Final = {
    "pbf": ("an OSM PBF file", "en OSM PBF-fil"),
    "osm_xml": ("an OSM XML file", "en OSM XML-fil"),
    "geojson": ("GeoJSON", "GeoJSON"),
    "gpkg": ("a GeoPackage", "ett GeoPackage"),
    "csv": ("a CSV text file", "en CSV-textfil"),
    "zip": ("a zip archive", "ett zip-arkiv"),
    "xml": ("XML (e.g. a GDAL VRT)", "XML (t.ex. en GDAL VRT-fil)"),
    "gzip": ("a gzip archive", "ett gzip-arkiv"),
    "bz2": ("a bzip2 archive", "ett bzip2-arkiv"),
    "binary": ("unknown binary data", "okänd binärdata"),
    "empty": ("an empty file", "en tom fil"),
}
#: Byte strings that never occur in legitimate text inputs but point GDAL (or a reader) at
#: other resources: virtual file systems, local-file URLs, VRT and WMS descriptions, XML
#: entities.  ``http://`` alone is allowed in text (service lists carry web sites) because
#: GeoJSON and CSV are parsed in Python and never handed to GDAL.
FORBIDDEN_TEXT: Final = (
    b"/vsi",
    b"file://",
    b"<ogrvrtdatasource",
    b"<vrtdataset",
    b"<gdal_wms",
    b"<!doctype",
    b"<!entity",
)
#: Prefixes and fragments a user-given path or string may not contain.
FORBIDDEN_IN_STRINGS: Final = ("/vsi", "://", "<ogrvrtdatasource", "<vrtdataset", "\\\\")


def kind_from_name(name: str) -> str:
    """Return the file kind that a file name's ending promises.

    Examples
    --------
    >>> kind_from_name("Sverige.OSM.PBF"), kind_from_name("grid.csv")
    ('pbf', 'csv')
    """
    lower = name.lower()
    for ending, kind in EXTENSION_KINDS:
        if lower.endswith(ending):
            return kind
    endings = ", ".join(ending for ending, _ in EXTENSION_KINDS)
    raise UnsafeInputError(
        f"The file {name!r} has an unsupported ending; use one of {endings}.",
        f"Filen {name!r} har en filändelse som inte stöds; använd någon av {endings}.",
    )


def sniff(head: bytes) -> str:
    """Return what the first bytes of a file are, whatever its name says.

    Examples
    --------
    >>> sniff(b"SQLite format 3\\x00"), sniff(b"PK\\x03\\x04"), sniff(b' {"type": 1}')
    ('gpkg', 'zip', 'geojson')
    >>> sniff(b"<OGRVRTDataSource>"), sniff(b"<?xml version='1.0'?><osm>")
    ('xml', 'osm_xml')
    """
    if not head:
        return "empty"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    # PBF: 4-byte big-endian header length, then a BlobHeader whose field 1 is "OSMHeader".
    if len(head) >= 15 and head[4:6] == b"\x0a\x09" and head[6:15] == b"OSMHeader":
        return "pbf"
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        lower = text[:2048].lower()
        if b"<osm" in lower and b"<ogrvrtdatasource" not in lower:
            return "osm_xml"
        return "xml"
    if text.startswith((b"{", b"[")):
        return "geojson"
    if b"\x00" in head:
        return "binary"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A cut multi-byte character at the end of the head is fine; latin-1 text is fine too.
        if error.start < len(head) - 4 and not _looks_like_latin1(head):
            return "binary"
    return "csv"


def _looks_like_latin1(data: bytes) -> bool:
    control = sum(1 for byte in data if byte < 32 and byte not in (9, 10, 13))
    return control == 0


def check_string(value: str, what: str) -> str:
    """Reject a user-given string that names another resource (URL, GDAL virtual file system).

    Examples
    --------
    >>> check_string("Butik", "name")
    'Butik'
    >>> check_string("/vsicurl/http://example.com/x.gpkg", "path")
    Traceback (most recent call last):
    ...
    analysis.importer.validate.UnsafeInputError: The path '/vsicurl/http://example.com/x.gpkg' ...
    """
    lower = value.lower()
    if any(fragment in lower for fragment in FORBIDDEN_IN_STRINGS):
        raise UnsafeInputError(
            f"The {what} {value!r} refers to a remote or virtual resource (URL, /vsi..., VRT); "
            "give a local file instead.",
            f"Värdet {value!r} ({what}) pekar på en extern eller virtuell resurs (webbadress, "
            "/vsi..., VRT). Ange en vanlig lokal fil i stället.",
        )
    return value


@dataclass(frozen=True)
class StagedInput:
    """A checked private copy of one input file.

    Attributes
    ----------
    path
        The copy, under a safe name inside the private staging folder.
    kind
        What the file is (``pbf``, ``osm_xml``, ``geojson``, ``gpkg``, ``csv``).
    label
        The name the user knows the file by, for messages.
    """

    path: Path
    kind: str
    label: str


Source = Path | str | bytes


def _limit_for(kind: str, limits: Limits) -> int:
    # A zip archive is checked against the table limit; its content against its own kind's.
    return limits.max_osm_bytes if kind in ("pbf", "osm_xml") else limits.max_table_bytes


def _too_large(label: str, size: int, limit: int) -> UnsafeInputError:
    return UnsafeInputError(
        f"The file {label!r} is {size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB. "
        "Cut it to the municipality first (e.g. `osmium extract`).",
        f"Filen {label!r} är {size / 1e6:.1f} MB; gränsen är {limit / 1e6:.1f} MB. "
        "Klipp ut kommunen ur filen först (t.ex. med `osmium extract`) eller höj gränsen.",
    )


def _copy_limited(reader: IO[bytes], target: Path, limit: int, label: str) -> int:
    copied = 0
    with target.open("xb") as out:
        while chunk := reader.read(1 << 20):
            copied += len(chunk)
            if copied > limit:
                raise _too_large(label, copied, limit)
            out.write(chunk)
    return copied


def stage_input(
    source: Source,
    workdir: Path,
    *,
    allowed: tuple[str, ...],
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> StagedInput:
    """Check one input and copy it into ``workdir`` under a safe name.

    Parameters
    ----------
    source
        A local path, or the bytes of an upload (then ``name`` gives its file name).
    workdir
        A private folder (created by the caller, e.g. with :func:`tempfile.mkdtemp`).
    allowed
        File kinds accepted here, e.g. ``("geojson", "gpkg")``.  A zip archive is accepted
        whenever it holds exactly one file of an allowed kind.
    name
        File name of an upload, or a name overriding the path's own in messages.
    limits
        Size limits.

    Raises
    ------
    UnsafeInputError
        On a missing or too large file, a name ending that does not match the content, a kind
        not allowed here, a zip bomb, or a reference to another resource.

    Examples
    --------
    >>> import tempfile
    >>> staged = stage_input(b"x,y\\n1,2\\n", Path(tempfile.mkdtemp()), allowed=("csv",),
    ...                      name="lista.csv")
    >>> staged.kind, staged.path.name
    ('csv', 'input-0.csv')
    """
    if isinstance(source, bytes):
        label = name or "upload"
        declared = kind_from_name(label)
        limit = _limit_for(declared, limits)
        if len(source) > limit:
            raise _too_large(label, len(source), limit)
        head = source[:4096]
        target = _next_path(workdir, declared)
        target.write_bytes(source)
    else:
        raw = str(source)
        check_string(raw, "path")
        path = Path(raw)
        label = name or path.name
        declared = kind_from_name(label)
        try:
            info = path.stat()
        except OSError as error:
            raise UnsafeInputError(
                f"The file {raw!r} cannot be read: {error.strerror}.",
                f"Filen {raw!r} går inte att läsa ({error.strerror}); kontrollera sökvägen.",
            ) from error
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeInputError(
                f"{raw!r} is not a regular file.",
                f"{raw!r} är inte en vanlig fil; ange en datafil.",
            )
        limit = _limit_for(declared, limits)
        if info.st_size > limit:
            raise _too_large(label, info.st_size, limit)
        target = _next_path(workdir, declared)
        with path.open("rb") as reader:
            head = reader.read(4096)
            reader.seek(0)
            _copy_limited(reader, target, limit, label)
    found = sniff(head)
    _check_matches(label, declared, found)
    if declared == "zip":
        return _stage_from_zip(target, workdir, allowed=allowed, label=label, limits=limits)
    if declared not in allowed:
        raise _not_allowed(label, declared, allowed)
    _check_content(target, declared, label)
    return StagedInput(path=target, kind=declared, label=label)


def _next_path(workdir: Path, kind: str) -> Path:
    index = sum(1 for _ in workdir.glob("input-*"))
    return workdir / f"input-{index}{SAFE_SUFFIX[kind]}"


def _not_allowed(label: str, kind: str, allowed: tuple[str, ...]) -> UnsafeInputError:
    wanted_en = " or ".join(KIND_NAMES[k][0] for k in allowed)
    wanted_sv = " eller ".join(KIND_NAMES[k][1] for k in allowed)
    return UnsafeInputError(
        f"{label!r} is {KIND_NAMES[kind][0]}; expected {wanted_en}.",
        f"{label!r} är {KIND_NAMES[kind][1]}; här förväntas {wanted_sv}.",
    )


def _check_matches(label: str, declared: str, found: str) -> None:
    compatible = found == declared or (declared == "csv" and found == "csv")
    if compatible:
        return
    if found == "xml" and declared != "osm_xml":
        raise UnsafeInputError(
            f"{label!r} is named {KIND_NAMES[declared][0]} but holds XML (such as a GDAL VRT, "
            "which can point at other files or URLs); it is refused.",
            f"{label!r} heter som {KIND_NAMES[declared][1]} men innehåller XML (t.ex. en GDAL "
            "VRT-fil som kan peka på andra filer eller webbadresser) och avvisas. Ladda upp "
            "själva datafilen.",
        )
    raise UnsafeInputError(
        f"{label!r} is named {KIND_NAMES[declared][0]} but holds {KIND_NAMES[found][0]}.",
        f"{label!r} har filändelsen för {KIND_NAMES[declared][1]} men innehåller "
        f"{KIND_NAMES[found][1]}. Kontrollera att rätt fil valts och att filändelsen stämmer.",
    )


def _check_content(path: Path, kind: str, label: str) -> None:
    if kind in ("geojson", "csv", "osm_xml"):
        _scan_text(path, label)
    if kind == "gpkg":
        check_geopackage(path, label)


def _scan_text(path: Path, label: str) -> None:
    tail = b""
    with path.open("rb") as reader:
        while chunk := reader.read(1 << 20):
            window = (tail + chunk).lower()
            for token in FORBIDDEN_TEXT:
                if token in window:
                    shown = token.decode()
                    raise UnsafeInputError(
                        f"{label!r} contains {shown!r}, a reference to another resource "
                        "(GDAL virtual file system, local-file URL, VRT or XML entity); "
                        "it is refused.",
                        f"{label!r} innehåller {shown!r}, en hänvisning till en annan resurs "
                        "(GDAL:s virtuella filsystem, fil-URL, VRT eller XML-entitet) och avvisas."
                        " Ta bort hänvisningen eller exportera data som vanlig fil.",
                    )
            tail = chunk[-32:]


def check_geopackage(path: Path, label: str) -> None:
    """Inspect a GeoPackage read-only with :mod:`sqlite3` before GDAL opens it.

    Refuses files that are not GeoPackages (no ``gpkg_contents`` table), and any virtual table
    other than the R-tree spatial indexes (SQLite virtual tables such as ``VirtualOGR`` can
    open other files) and any schema text naming a URL or GDAL virtual file system.
    """
    uri = f"file:{quote(str(path))}?mode=ro&immutable=1"
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            rows = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise UnsafeInputError(
            f"{label!r} is not a readable GeoPackage ({error}).",
            f"{label!r} är inte ett läsbart GeoPackage; exportera filen på nytt.",
        ) from error
    names = {str(name) for _, name, _ in rows}
    if "gpkg_contents" not in names:
        raise UnsafeInputError(
            f"{label!r} is an SQLite database but not a GeoPackage (no gpkg_contents table).",
            f"{label!r} är en SQLite-databas men inget GeoPackage (tabellen gpkg_contents "
            "saknas). Exportera data som GeoPackage.",
        )
    for _kind, name, sql in rows:
        text = str(sql or "").lower()
        virtual = text.startswith("create virtual table")
        if (virtual and "using rtree" not in text) or any(
            fragment in text for fragment in ("/vsi", "://", "attach")
        ):
            raise UnsafeInputError(
                f"{label!r} holds a table {name!r} that refers to other resources; refused.",
                f"{label!r} innehåller tabellen {name!r} som hänvisar till andra resurser och "
                "avvisas. Exportera data till ett nytt, vanligt GeoPackage.",
            )


def _stage_from_zip(
    archive: Path, workdir: Path, *, allowed: tuple[str, ...], label: str, limits: Limits
) -> StagedInput:
    try:
        bundle = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise UnsafeInputError(
            f"{label!r} is not a readable zip archive.",
            f"{label!r} är inget läsbart zip-arkiv; packa filen på nytt.",
        ) from error
    with bundle:
        members = bundle.infolist()
        if len(members) > limits.max_zip_members:
            raise UnsafeInputError(
                f"{label!r} holds {len(members)} entries; at most {limits.max_zip_members}.",
                f"{label!r} innehåller {len(members)} filer; högst {limits.max_zip_members} "
                "tillåts. Packa bara datafilen.",
            )
        total = sum(member.file_size for member in members)
        if total > limits.max_zip_uncompressed_bytes:
            raise _zip_bomb(label, f"{total / 1e6:.0f} MB uncompressed")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_zip_ratio and member.file_size > 1 << 20:
                raise _zip_bomb(label, f"compression ratio {ratio:.0f}:1")
            mode = member.external_attr >> 16
            if stat.S_ISLNK(mode) or member.filename.startswith("/") or ".." in member.filename:
                raise UnsafeInputError(
                    f"{label!r} holds a link or a path outside the archive ({member.filename!r}).",
                    f"{label!r} innehåller en länk eller en sökväg utanför arkivet "
                    f"({member.filename!r}) och avvisas.",
                )
        candidates = [
            member
            for member in members
            if not member.is_dir()
            and not member.filename.startswith("__MACOSX")
            and _kind_or_none(member.filename) in allowed
        ]
        if len(candidates) != 1:
            wanted = ", ".join(SAFE_SUFFIX[k] for k in allowed)
            raise UnsafeInputError(
                f"{label!r} must hold exactly one data file ({wanted}); found {len(candidates)}.",
                f"{label!r} ska innehålla exakt en datafil ({wanted}); hittade "
                f"{len(candidates)}. Packa bara den fil som ska läsas in.",
            )
        member = candidates[0]
        inner_kind = _kind_or_none(member.filename) or ""
        target = _next_path(workdir, inner_kind)
        limit = min(_limit_for(inner_kind, limits), limits.max_zip_uncompressed_bytes)
        try:
            with bundle.open(member) as reader:
                _copy_limited(reader, target, limit, f"{label}/{member.filename}")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise UnsafeInputError(
                f"{label!r}: the entry {member.filename!r} cannot be unpacked ({error}).",
                f"{label!r}: filen {member.filename!r} i arkivet går inte att packa upp "
                "(trasig, krypterad eller okänd komprimering). Packa filen på nytt.",
            ) from error
    archive.unlink()
    with target.open("rb") as reader:
        head = reader.read(4096)
    inner_label = f"{label}/{Path(member.filename).name}"
    _check_matches(inner_label, inner_kind, sniff(head))
    _check_content(target, inner_kind, inner_label)
    return StagedInput(path=target, kind=inner_kind, label=inner_label)


def _kind_or_none(name: str) -> str | None:
    try:
        kind = kind_from_name(name)
    except UnsafeInputError:
        return None
    return None if kind == "zip" else kind


def _zip_bomb(label: str, detail: str) -> UnsafeInputError:
    return UnsafeInputError(
        f"{label!r} looks like a zip bomb ({detail}); refused.",
        f"{label!r} ser ut som en zip-bomb (packas upp till orimligt mycket data) och avvisas. "
        "Packa upp filen själv och ladda upp datafilen.",
    )


def load_json(staged: StagedInput) -> object:
    """Parse a staged JSON file with Python's parser (never GDAL)."""
    try:
        return json.loads(staged.path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise ValidationError(
            f"{staged.label!r} is not valid JSON: {type(error).__name__}.",
            f"{staged.label!r} är inte giltig JSON; exportera filen på nytt.",
        ) from error


def remove_workdir(workdir: Path) -> None:
    """Delete a private staging folder."""
    shutil.rmtree(workdir, ignore_errors=True)
