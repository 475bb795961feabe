#!/usr/bin/env bash
# Installs what some tests need beyond npm packages: the Python oracle (scipy, ArviZ) used by interop tests.
# Idempotent; on a machine that already has it, it only checks.
set -euo pipefail
oracle_script="../shared/tools/python-oracle.sh"
if [[ -x "$oracle_script" || -f "$oracle_script" ]]; then
  venv="${PHLOX_ORACLE_VENV:-/tmp/phlox-oracle}"
  if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import arviz, scipy, netCDF4" 2>/dev/null; then
    bash "$oracle_script" "$venv" >/dev/null 2>&1 || echo "python oracle could not be built; interop tests will fail"
  fi
fi
