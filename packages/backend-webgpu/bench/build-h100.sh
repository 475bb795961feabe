#!/usr/bin/env bash
# Builds bench/dist/ for the GPU host, which has Node but no registry access: esbuild bundles of
# logistic-gpu.bench.ts, fusion.bench.ts and model.bench.ts (Phlox sources, tfjs-core, tfjs-backend-webgpu, backend-js), the `webgpu` package's Linux
# Dawn binary beside it, and the Vulkan loader .deb (unpacked there only if the host lacks libvulkan.so.1).
# Run from anywhere: packages/backend-webgpu/bench/build-h100.sh ; then h100.sh runs on the device.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$here/dist"
rm -rf "$out" && mkdir -p "$out/node_modules/webgpu/dist" "$out/gl"
esbuild="$(ls -d "$root"/node_modules/.pnpm/esbuild@*/node_modules/esbuild/bin/esbuild | head -1)"
"$esbuild" "$here/logistic-gpu.bench.ts" --bundle --platform=node --format=esm --target=node18 \
  --conditions=@phlox/source --external:webgpu --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$out/bundle.mjs"
# The fusion bench (fused vs unfused in one run), same flags.
"$esbuild" "$here/fusion.bench.ts" --bundle --platform=node --format=esm --target=node18 \
  --conditions=@phlox/source --external:webgpu --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$out/fusion.mjs"
# The model path (initializeModel/NUTS(model) with { backend }), same flags; its JAX/NumPyro side beside it.
"$esbuild" "$here/model.bench.ts" --bundle --platform=node --format=esm --target=node18 \
  --conditions=@phlox/source --external:webgpu --log-level=warning \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
  --outfile="$out/model.mjs"
cp "$here/model_jax.py" "$out/"
wg="$(cd "$root/packages/backend-webgpu/node_modules/webgpu" && pwd -P)"
cp "$wg/index.js" "$wg/package.json" "$out/node_modules/webgpu/"
cp "$wg/dist/linux-x64.dawn.node" "$out/node_modules/webgpu/dist/"
(cd "$out/gl" && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 >/dev/null 2>&1) || echo "note: could not download libvulkan1 (only needed if the host lacks it)"
gzip -c -6 "$(readlink -f "$(command -v node)")" >"$out/node.gz" # the GPU host has no Node
du -sh "$out"
