"""Writing a generated region package, and the command line the demo generators share.

A generator is described by a :class:`DemoRegion`: its region id and name, generator version,
default seed, Swedish description and a function returning the layers for a seed.  The
*version tag* (generator version and seed) is written into the package description; a package
whose description carries the current tag is not written again unless forced.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from analysis import settings
from analysis.io import RegionInfo, write_region
from analysis.model import LAYERS

Package = tuple[RegionInfo, dict[str, gpd.GeoDataFrame]]


def is_current(folder: Path, version_tag: str) -> bool:
    """Return whether ``folder`` holds a complete package written with ``version_tag``."""
    info_file = folder / "region.json"
    if not info_file.is_file():
        return False
    try:
        raw = json.loads(info_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    has_layers = all((folder / f"{name}.parquet").is_file() for name in LAYERS)
    return has_layers and f"({version_tag})" in str(raw.get("description", ""))


def build_package(
    region_id: str,
    version_tag: str,
    generate: Callable[[], Package],
    target_dir: Path | None = None,
    force: bool = False,
) -> Path:
    """Write the package ``<target_dir>/<region_id>`` unless a current one is there.

    ``target_dir`` defaults to :data:`analysis.settings.BUILTIN_REGIONS_DIR`.  Returns the
    package folder.
    """
    base = Path(target_dir) if target_dir is not None else settings.BUILTIN_REGIONS_DIR
    folder = base / region_id
    if not force and is_current(folder, version_tag):
        return folder
    info, layers = generate()
    folder = write_region(info, layers, base)
    # write_region stages in a private temporary folder (mode 0700); the package is for everyone.
    folder.chmod(0o755)
    return folder


def summary(folder: Path, seconds: float) -> str:
    """Return the rows per layer, unique road vertices, residents and cells of a package."""
    lines = [f"Wrote {folder} in {seconds:.1f} s"]
    for file in sorted(folder.glob("*.parquet")):
        frame = gpd.read_parquet(file)
        lines.append(
            f"  {file.stem:<11} {len(frame):>6} rows  {file.stat().st_size / 1024:8.0f} KiB"
        )
    roads = gpd.read_parquet(folder / "roads.parquet")
    nodes = np.unique(shapely.get_coordinates(roads.geometry), axis=0)
    population = gpd.read_parquet(folder / "population.parquet")
    lines.append(f"  unique road vertices: {len(nodes)}")
    lines.append(f"  residents: {int(population['pop_total'].sum())}")
    lines.append(f"  populated cells: {len(population)}")
    return "\n".join(lines)


def run_command(
    argv: list[str] | None,
    description: str,
    region_id: str,
    default_seed: int,
    version_tag: Callable[[int], str],
    build: Callable[[Path, bool, int], Path],
) -> int:
    """Command line ``[--out DIR] [--force] [--seed N]`` of a generator; prints a summary."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=None, help="folder holding region packages")
    parser.add_argument("--force", action="store_true", help="regenerate even if current")
    parser.add_argument("--seed", type=int, default=default_seed, help="random seed")
    args = parser.parse_args(argv)
    base = args.out if args.out is not None else settings.BUILTIN_REGIONS_DIR
    if not args.force and is_current(base / region_id, version_tag(args.seed)):
        print(f"{base / region_id} is current; use --force to regenerate.")
        return 0
    start = time.perf_counter()
    folder = build(base, True, args.seed)
    print(summary(folder, time.perf_counter() - start))
    return 0


@dataclass(frozen=True)
class DemoRegion:
    """A seeded generator of one fictional region package, and its command line.

    Attributes
    ----------
    region_id, name
        Id and display name of the region.
    version
        Generator version, bumped whenever the output changes.
    default_seed
        Seed of the package the documentation describes.
    module
        The generator's module, named in the package's sources.
    description
        Swedish description shown in the UI (the version tag is appended).
    about
        One line for ``--help``.
    layers
        Function of the seed returning the layers.
    """

    region_id: str
    name: str
    version: str
    default_seed: int
    module: str
    description: str
    about: str
    layers: Callable[[int], dict[str, gpd.GeoDataFrame]]

    def version_tag(self, seed: int) -> str:
        """Return the tag written into the description: "generatorversion 2, frö 7"."""
        return f"generatorversion {self.version}, frö {seed}"

    def info(self, seed: int) -> RegionInfo:
        """Return the package's metadata, labelled fictional."""
        tag = self.version_tag(seed)
        return RegionInfo(
            region_id=self.region_id,
            name=self.name,
            fictional=True,
            description=f"{self.description} ({tag})",
            municipality_code="",
            sources=(f"Syntetiska demodata från {self.module} ({tag}); se docs/DATA_MODEL.md.",),
        )

    def build(
        self, target_dir: Path | None = None, force: bool = False, seed: int | None = None
    ) -> Path:
        """Write the package under ``target_dir`` unless a current one is there.

        Parameters
        ----------
        target_dir
            Folder that holds region packages; default
            :data:`analysis.settings.BUILTIN_REGIONS_DIR`.
        force
            Regenerate even if a package of the current generator version and seed exists.
        seed
            Seed of the random streams; default :attr:`default_seed`.

        Returns
        -------
        pathlib.Path
            The package folder ``<target_dir>/<region_id>``.
        """
        seed = self.default_seed if seed is None else seed
        return build_package(
            self.region_id,
            self.version_tag(seed),
            lambda: (self.info(seed), self.layers(seed)),
            target_dir,
            force,
        )

    def main(self, argv: list[str] | None = None) -> int:
        """Command line ``[--out DIR] [--force] [--seed N]``; prints a summary."""
        return run_command(
            argv,
            self.about,
            self.region_id,
            self.default_seed,
            self.version_tag,
            lambda base, force, seed: self.build(base, force, seed),
        )
