"""Command line for every engine capability: ``python -m analysis <command> --help``.

Commands register themselves with :func:`command`; ``analysis/__main__.py`` calls :func:`main`.

Each command reads a region package and writes standard files (GeoParquet, GeoPackage, CSV,
JSON), so that GIS users can script Servicekartan and check its results outside the app.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from analysis import io
from analysis.errors import ServicekartanError
from analysis.security import hash_password, new_password

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Command, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(
    name: str, help_text: str
) -> Callable[[Callable[[argparse.ArgumentParser], None]], Callable[[Command], Command]]:
    """Register a sub-command: ``@command(name, help)(add_arguments)(run)``."""

    def with_arguments(
        add_arguments: Callable[[argparse.ArgumentParser], None],
    ) -> Callable[[Command], Command]:
        def register(run: Command) -> Command:
            _COMMANDS[name] = (run, add_arguments, help_text)
            return run

        return register

    return with_arguments


def _no_arguments(parser: argparse.ArgumentParser) -> None:  # noqa: ARG001
    return None


@command("regions", "list the region packages")(_no_arguments)
def _regions(_: argparse.Namespace) -> int:
    for info in io.list_regions():
        label = " (fictional)" if info.fictional else ""
        print(f"{info.region_id}\t{info.name}{label}\t{info.path}")
    return 0


def _password_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--if-missing", action="store_true", help="do nothing when a password is already set"
    )


@command("planner-password", "create a new local planner password and store its hash")(
    _password_arguments
)
def _planner_password(args: argparse.Namespace) -> int:
    if args.if_missing and io.read_planner_password_hash():
        return 0
    password = new_password()
    path = io.write_planner_password(password, hash_password(password))
    print(f"Planner password (Lösenord för planerare): {password}")
    print(f"Saved in {path} (readable by you only); the app reads its hash.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every registered command."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (run, add_arguments, help_text) in _COMMANDS.items():
        child = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(child)
        child.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; domain errors print their message and exit with status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ServicekartanError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
