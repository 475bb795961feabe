#!/usr/bin/env bash
# Installs what some tests need beyond npm packages. Idempotent: on a machine that already has them it only
# checks.
# - The Python oracle (scipy, ArviZ 0.23.4, xarray, netCDF4, h5netcdf, zarr 3) for the arviz-io interop tests,
#   built offline by ../shared/tools/python-oracle.sh with PHLOX_ORACLE_ZARR=1 (the zarr v2/v3 interop tests need
#   zarr); an oracle without zarr is rebuilt.
# - Debian's chromium (its SwiftShader Vulkan driver and the browser for the headless test) and libvulkan1 (Dawn
#   loads libvulkan.so.1) for the WebGPU backend tests; fonts-dejavu-core for the plots' screenshot tests.
# - Debian's redis-server for the @phlox/distributed tests (each test starts its own on a free loopback port).
set -uo pipefail
oracle_script="../shared/tools/python-oracle.sh"
if [[ -f "$oracle_script" ]]; then
  venv="${PHLOX_ORACLE_VENV:-/tmp/phlox-oracle}"
  if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import arviz, scipy, netCDF4, h5netcdf, zarr" 2>/dev/null; then
    PHLOX_ORACLE_ZARR=1 bash "$oracle_script" "$venv" >/dev/null 2>&1 ||
      echo "python oracle could not be built; interop tests will fail"
  fi
fi
if command -v apt-get >/dev/null 2>&1 &&
  { [[ ! -f /usr/lib/chromium/vk_swiftshader_icd.json ]] || ! ldconfig -p | grep -q libvulkan.so.1 ||
    [[ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]]; }; then
  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium libvulkan1 fonts-dejavu-core) \
    >/dev/null 2>&1 || echo "chromium/libvulkan1 not installed: the webgpu tests will report no adapter"
fi
if command -v apt-get >/dev/null 2>&1 && ! command -v redis-server >/dev/null 2>&1; then
  (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server) \
    >/dev/null 2>&1 || echo "redis-server not installed: the @phlox/distributed tests will fail to start Redis"
fi
exit 0
