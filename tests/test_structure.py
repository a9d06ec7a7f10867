"""The shape of the repository: the engine is pure, pages only compose."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "analysis").rglob("*.py")), ids=str)
def test_engine_never_imports_streamlit(path: Path) -> None:
    assert not {"streamlit", "streamlit_folium"} & _imports(path), f"{path} imports Streamlit"


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=str)
def test_pages_do_not_touch_files_or_the_database_directly(path: Path) -> None:
    assert not {"duckdb", "pyogrio", "sqlite3"} & _imports(path), f"{path} does its own I/O"


def test_pages_folder_holds_page_files_only() -> None:
    assert not (ROOT / "pages" / "__init__.py").exists()
    assert all(p.suffix == ".py" for p in (ROOT / "pages").iterdir() if p.is_file())
