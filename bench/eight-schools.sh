#!/usr/bin/env bash
# Eight schools (non-centred) 4 x (1000 + 1000) NUTS, end to end (process start to printed summary):
# Phlox (node examples/dist/eight-schools.js, after `pnpm build`) against NumPyro on the same machine, in one run.
# NumPyro: build the oracle with NumPyro's source (see bench/README.md) and pass its python as $1.
#   usage: bash bench/eight-schools.sh [PYTHON] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-/tmp/phlox-oracle/bin/python}
n=${2:-5}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_cmd() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
phlox=(); numpyro=()
for _ in $(seq "$n"); do
  phlox+=("$(time_cmd node examples/dist/eight-schools.js)")
  numpyro+=("$(time_cmd "$py" bench/numpyro/eight_schools.py sequential)")
done
p=$(printf '%s\n' "${phlox[@]}" | median)
q=$(printf '%s\n' "${numpyro[@]}" | median)
printf 'eight schools 4x(1000+1000), process start to summary, median of %d\n' "$n"
printf '  phlox   %8.3f s   (runs: %s)\n' "$p" "${phlox[*]}"
printf '  numpyro %8.3f s   (runs: %s)\n' "$q" "${numpyro[*]}"
printf '  ratio numpyro/phlox: %.1fx\n' "$(echo "$q / $p" | bc -l)"
node examples/dist/eight-schools.js | tail -2
"$py" bench/numpyro/eight_schools.py sequential 2>/dev/null | tail -2
