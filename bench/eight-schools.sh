#!/usr/bin/env bash
# Eight schools (non-centred) 4 x (1000 + 1000) NUTS, end to end (process start to printed summary), Phlox
# against NumPyro on the same machine, in one run. Phlox runs twice: the example as `pnpm build` leaves it
# (node examples/dist/eight-schools.js, ~150 ES modules) and as one esbuild bundle
# (examples/dist/eight-schools.bundle.mjs), as a deployed Node service or a browser page would load it.
# NumPyro: build the oracle with NumPyro's source (see bench/README.md) and pass its python as $1.
#   usage: bash bench/eight-schools.sh [PYTHON] [REPEATS]
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
numpyro=()
for _ in $(seq "$n"); do
  plain+=("$(time_cmd node examples/dist/eight-schools.js)")
  bundle+=("$(time_cmd node examples/dist/eight-schools.bundle.mjs)")
  numpyro+=("$(time_cmd "$py" bench/numpyro/eight_schools.py sequential)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
b=$(printf '%s\n' "${bundle[@]}" | median)
q=$(printf '%s\n' "${numpyro[@]}" | median)
printf 'eight schools 4x(1000+1000) NUTS, process start to printed summary, median of %d runs\n' "$n"
printf '  phlox (ES modules)  %8.3f s   runs: %s\n' "$p" "${plain[*]}"
printf '  phlox (bundled)     %8.3f s   runs: %s\n' "$b" "${bundle[*]}"
printf '  numpyro             %8.3f s   runs: %s\n' "$q" "${numpyro[*]}"
printf '  numpyro / phlox: %.0fx (ES modules), %.0fx (bundled)\n' "$(echo "$q / $p" | bc -l)" "$(echo "$q / $b" | bc -l)"
