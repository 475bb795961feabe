#!/usr/bin/env bash
# Eight schools (non-centred) 4 x (1000 + 1000) NUTS, end to end (process start to printed summary), Phlox
# against NumPyro on the same machine, in one run. Phlox runs twice: the example as `pnpm build` leaves it
# (node examples/dist/eight-schools.js, ~150 ES modules) and as one esbuild bundle
# (examples/dist/eight-schools.bundle.mjs), as a deployed Node service or a browser page would load it.
# NumPyro: build the oracle with NumPyro's source (see bench/README.md) and pass its python as $1.
# BASELINE: another built checkout (e.g. `git worktree add --detach <dir> <commit>`, then `pnpm install` and
# `pnpm build` there): its bundled example runs interleaved with this one's, to show a regression side by side.
#   usage: [BASELINE=<dir>] bash bench/eight-schools.sh [PYTHON] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-/tmp/phlox-oracle/bin/python}
n=${2:-5}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_cmd() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
plain=()
bundle=()
base=()
numpyro=()
for _ in $(seq "$n"); do
  plain+=("$(time_cmd node examples/dist/eight-schools.js)")
  bundle+=("$(time_cmd node examples/dist/eight-schools.bundle.mjs)")
  if [ -n "${BASELINE:-}" ]; then base+=("$(time_cmd node "$BASELINE/examples/dist/eight-schools.bundle.mjs")"); fi
  numpyro+=("$(time_cmd "$py" bench/numpyro/eight_schools.py sequential)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
b=$(printf '%s\n' "${bundle[@]}" | median)
q=$(printf '%s\n' "${numpyro[@]}" | median)
printf 'eight schools 4x(1000+1000) NUTS, process start to printed summary, median of %d runs\n' "$n"
printf '  phlox (ES modules)  %8.3f s   runs: %s\n' "$p" "${plain[*]}"
printf '  phlox (bundled)     %8.3f s   runs: %s\n' "$b" "${bundle[*]}"
if [ -n "${BASELINE:-}" ]; then
  r=$(printf '%s\n' "${base[@]}" | median)
  printf '  baseline (bundled)  %8.3f s   runs: %s   (this / baseline: %.2fx)\n' "$r" "${base[*]}" "$(echo "$b / $r" | bc -l)"
fi
printf '  numpyro             %8.3f s   runs: %s\n' "$q" "${numpyro[*]}"
printf '  numpyro / phlox: %.0fx (ES modules), %.0fx (bundled)\n' "$(echo "$q / $p" | bc -l)" "$(echo "$q / $b" | bc -l)"
