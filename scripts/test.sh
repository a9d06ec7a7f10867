#!/usr/bin/env bash
# Set up (if needed) and run the whole test suite: lint, types, unit, property, page and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy (strict, analysis/)"
.venv/bin/mypy
echo "== pytest"
.venv/bin/python -m pytest "$@"
