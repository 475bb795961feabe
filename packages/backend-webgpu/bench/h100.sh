#!/usr/bin/env bash
# Runs the WebGPU logistic-regression benches (logistic-gpu; fusion: fused vs unfused; model: the model path, with JAX when present) on the GPU host through Dawn and the NVIDIA Vulkan driver.
# Build first (here): packages/backend-webgpu/bench/build-h100.sh. Then, with the device tool:
#   run(command="bash packages/backend-webgpu/bench/h100.sh", carry=["packages/backend-webgpu/bench/dist"])
# Installs nothing from the network. Writes the output to $OUT/h100.txt when $OUT is set.
set -uo pipefail
dist="$(cd "$(dirname "$0")" && pwd)/dist"
out="${OUT:-/tmp}"
# The GPU host has no Node: build-h100.sh packs this machine's node binary (gzip) beside the bundle.
if ! command -v node >/dev/null 2>&1 && [ -f "$dist/node.gz" ]; then
  gunzip -c "$dist/node.gz" >/tmp/node && chmod +x /tmp/node && export PATH="/tmp:$PATH"
fi
# The NVIDIA Vulkan ICD (libGLX_nvidia) needs the glvnd libraries; unpack the loader and them (device README).
for f in "$dist"/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
  done
fi
{
  echo "host: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null) node $(node --version) ICD ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-default}}"
  cd "$dist" && timeout 140 node bundle.mjs "${1:-1000000}" "${2:-100}" "${3:-10}"
  # Elementwise fusion: webgpu() (fused) vs webgpu({ fuse: false }) in one run, dispatches and ms/call.
  timeout 200 node fusion.mjs "${1:-1000000}" "${2:-100}" "${3:-10}"
  # The model path: initializeModel(..., { backend }) value+grad at each fusion level and NUTS(model) on WebGPU.
  timeout 240 node model.mjs "${1:-1000000}" "${2:-100}" "${3:-10}" "${4:-100}" "${5:-100}"
  # JAX/NumPyro on the same GPU, same model and data, when the host's Python has them (nothing is installed here).
  if python3 -c "import jax, numpyro" >/dev/null 2>&1; then
    timeout 240 python3 model_jax.py "${1:-1000000}" "${2:-100}" "${3:-10}" "${4:-100}" "${5:-100}"
  else
    echo "JAX/NumPyro not importable on this host: no JAX figures in this run (install jax[cuda12] numpyro to compare)."
  fi
} 2>&1 | grep -v XDG_RUNTIME_DIR | tee "$out/h100.txt"
