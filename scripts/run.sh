#!/usr/bin/env bash
# Set up (if needed) and start Servicekartan on http://localhost:8501 with the demo region.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m ui.serve --server.port "${PORT:-8501}" --server.headless true "$@"
