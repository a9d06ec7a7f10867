"""Download the open inputs of an import into a local folder (run on a machine with internet).

This is the only module of the engine that may touch the network, and only when
:func:`fetch` is called without an injected ``download`` function.  The build step never
downloads anything: it reads the files this step (or a person) put in a folder.

Sources (see ``docs/IMPORT.md``):

* OpenStreetMap: Geofabrik's extract of Sweden (a fixed URL); any other extract URL can be
  given instead.
* Municipal boundaries and SCB's population grid: their direct file links change with every
  release, so they are given as URLs (``--boundary-url``, ``--population-url``); the landing
  pages listing the current links are in :data:`LANDING_PAGES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlparse

from analysis.errors import ValidationError
from analysis.importer.boundary import normalise_code

#: Geofabrik's daily extract of Sweden (about 700 MB).
GEOFABRIK_SWEDEN_URL: Final = "https://download.geofabrik.de/europe/sweden-latest.osm.pbf"
#: Pages that list the current download links of the other sources.
LANDING_PAGES: Final = {
    "population": "https://www.scb.se/vara-tjanster/oppna-data/oppna-geodata/statistik-pa-rutor/",
    "localities": "https://www.scb.se/vara-tjanster/oppna-data/oppna-geodata/",
    "boundary": "https://www.lantmateriet.se/sv/geodata/vara-produkter/produktlista/"
    "administrativ-indelning-nedladdning-vektor/",
}
#: Largest file a download may produce (bytes).
MAX_DOWNLOAD_BYTES: Final = 3 * 1024**3
#: Hosts the default downloader may contact.
ALLOWED_HOSTS: Final = frozenset(
    {
        "download.geofabrik.de",
        "www.scb.se",
        "scb.se",
        "www.lantmateriet.se",
        "geotorget.lantmateriet.se",
    }
)

Downloader = Callable[[str, Path], None]


@dataclass(frozen=True)
class FetchItem:
    """One planned download: what it is, from where, to which file."""

    kind: str
    url: str
    target: Path


def _check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme != "https" or not parsed.netloc:
        raise ValidationError(
            f"Only https URLs are downloaded, not {url!r}.",
            f"Bara https-adresser laddas ned, inte {url!r}; ange en https-länk.",
        )
    return url


def _file_name(url: str, fallback: str) -> str:
    name = Path(urlparse(url).path).name
    safe = "".join(ch for ch in name if ch.isalnum() or ch in "._-")
    return safe or fallback


def plan_fetch(
    municipality: str,
    out_dir: Path,
    *,
    osm_url: str = GEOFABRIK_SWEDEN_URL,
    boundary_url: str | None = None,
    population_url: str | None = None,
    localities_url: str | None = None,
) -> list[FetchItem]:
    """Return the downloads :func:`fetch` would make, without making them.

    Examples
    --------
    >>> items = plan_fetch("2321", Path("indata"), population_url="https://www.scb.se/x/grid.zip")
    >>> [(i.kind, i.target.as_posix()) for i in items]
    [('osm', 'indata/2321/sweden-latest.osm.pbf'), ('population', 'indata/2321/grid.zip')]
    """
    code = normalise_code(municipality)
    if not (code.isdigit() and len(code) == 4):
        raise ValidationError(
            f"Municipality code {municipality!r} must be four digits, e.g. 2321.",
            f"Kommunkoden {municipality!r} ska vara fyra siffror, t.ex. 2321 (Åre).",
        )
    folder = out_dir / code
    items = [FetchItem("osm", _check_url(osm_url), folder / _file_name(osm_url, "extract.osm.pbf"))]
    for kind, url in (
        ("boundary", boundary_url),
        ("population", population_url),
        ("localities", localities_url),
    ):
        if url:
            items.append(FetchItem(kind, _check_url(url), folder / _file_name(url, f"{kind}.zip")))
    return items


def download_https(url: str, target: Path) -> None:  # pragma: no cover - needs the internet
    """Download ``url`` to ``target`` (https only, allowed hosts only, size-capped)."""
    import urllib.request

    host = urlparse(_check_url(url)).hostname or ""
    if host not in ALLOWED_HOSTS:
        raise ValidationError(
            f"Downloads from {host!r} are not allowed; download the file by hand.",
            f"Nedladdning från {host!r} är inte tillåten; ladda ned filen för hand.",
        )
    partial = target.with_name(target.name + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": "servicekartan-importer"})
    with urllib.request.urlopen(request, timeout=60) as response, partial.open("wb") as out:  # noqa: S310
        copied = 0
        while chunk := response.read(1 << 20):
            copied += len(chunk)
            if copied > MAX_DOWNLOAD_BYTES:
                raise ValidationError(
                    f"{url} is larger than {MAX_DOWNLOAD_BYTES} bytes.",
                    f"{url} är större än tillåtet ({MAX_DOWNLOAD_BYTES} byte).",
                )
            out.write(chunk)
    partial.replace(target)


def fetch(
    municipality: str,
    out_dir: Path,
    *,
    download: Downloader | None = None,
    osm_url: str = GEOFABRIK_SWEDEN_URL,
    boundary_url: str | None = None,
    population_url: str | None = None,
    localities_url: str | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Path]:
    """Download the inputs of one municipality into ``out_dir/<code>/``; return kind -> file.

    ``download(url, target)`` does the transfer (default :func:`download_https`); tests inject
    a fake.  A failed download removes its partial file and leaves earlier files in place.
    """
    items = plan_fetch(
        municipality,
        out_dir,
        osm_url=osm_url,
        boundary_url=boundary_url,
        population_url=population_url,
        localities_url=localities_url,
    )
    transfer = download or download_https
    files: dict[str, Path] = {}
    for number, item in enumerate(items):
        item.target.parent.mkdir(parents=True, exist_ok=True)
        if progress is not None:
            progress(number / len(items), f"downloading {item.kind}: {item.url}")
        try:
            transfer(item.url, item.target)
        except BaseException:
            item.target.unlink(missing_ok=True)
            item.target.with_name(item.target.name + ".part").unlink(missing_ok=True)
            raise
        files[item.kind] = item.target
    if progress is not None:
        progress(1.0, "downloads done")
    return files
