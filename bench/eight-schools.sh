#!/usr/bin/env bash
# Eight schools (non-centred) 4 x (1000 + 1000) NUTS, end to end (process start to printed summary), Phlox
# against NumPyro on the same machine, in one run. Phlox runs twice: the example as `pnpm build` leaves it
# (node examples/dist/eight-schools.js, ~150 ES modules) and as one esbuild bundle
# (examples/dist/eight-schools.bundle.mjs), as a deployed Node service or a browser page would load it.
# NumPyro: build the oracle with NumPyro's source (see bench/README.md) and pass its python as $1.
# BASELINE: another built checkout (e.g. `git worktree add --detach <dir> <commit>`, then `pnpm install` and
# `pnpm build` there): its bundled example runs interleaved with this one's, to show a regression side by side.
# Node's own start-up (`node -e 0`) is timed too, so the Phlox part can be read off. When NODE_EXTRA_CA_CERTS is
# set (some sandboxes and corporate machines set it), Node parses that certificate file at every start, before any
# script runs (about 50 ms on the 2-core project machine): the Phlox runs then repeat with it unset, and both
# figures are printed. NumPyro does not read it.
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
# Environments the Phlox runs are timed in: as given, and without NODE_EXTRA_CA_CERTS when it is set.
envs=("given")
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then envs+=("unset"); fi
in_env() { if [ "$1" = unset ]; then shift; env -u NODE_EXTRA_CA_CERTS "$@"; else shift; "$@"; fi; }
declare -A T
numpyro=()
for _ in $(seq "$n"); do
  for e in "${envs[@]}"; do
    T[empty,$e]+="$(time_cmd in_env "$e" node -e 0) "
    T[plain,$e]+="$(time_cmd in_env "$e" node examples/dist/eight-schools.js) "
    T[bundle,$e]+="$(time_cmd in_env "$e" node examples/dist/eight-schools.bundle.mjs) "
    if [ -n "${BASELINE:-}" ]; then
      T[base,$e]+="$(time_cmd in_env "$e" node "$BASELINE/examples/dist/eight-schools.bundle.mjs") "
    fi
  done
  numpyro+=("$(time_cmd "$py" bench/numpyro/eight_schools.py sequential)")
done
med() { printf '%s\n' ${T[$1]} | median; }
q=$(printf '%s\n' "${numpyro[@]}" | median)
printf 'eight schools 4x(1000+1000) NUTS, process start to printed summary, median of %d runs\n' "$n"
for e in "${envs[@]}"; do
  if [ "$e" = unset ]; then
    printf 'with NODE_EXTRA_CA_CERTS unset (Node then skips parsing that certificate file at start):\n'
  elif [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
    printf 'environment as given (NODE_EXTRA_CA_CERTS is set):\n'
  fi
  z=$(med "empty,$e")
  p=$(med "plain,$e")
  b=$(med "bundle,$e")
  printf '  node -e 0 (Node start-up alone) %8.3f s   runs: %s\n' "$z" "${T[empty,$e]}"
  printf '  phlox (ES modules)              %8.3f s   runs: %s\n' "$p" "${T[plain,$e]}"
  printf '  phlox (bundled)                 %8.3f s   runs: %s\n' "$b" "${T[bundle,$e]}"
  if [ -n "${BASELINE:-}" ]; then
    r=$(med "base,$e")
    printf '  baseline (bundled)              %8.3f s   runs: %s  (this / baseline: %.3fx)\n' "$r" "${T[base,$e]}" \
      "$(echo "$b / $r" | bc -l)"
  fi
  printf '  phlox (bundled) minus node -e 0 %8.3f s\n' "$(echo "$b - $z" | bc -l)"
  printf '  numpyro / phlox: %.0fx (ES modules), %.0fx (bundled)\n' "$(echo "$q / $p" | bc -l)" "$(echo "$q / $b" | bc -l)"
done
printf '  numpyro                         %8.3f s   runs: %s\n' "$q" "${numpyro[*]}"
