#!/usr/bin/env bash
# The registry at scale (issue 24): bulk import rate into SQLite and PostgreSQL, and list generation with the
# registry's exclusion against the same exclusion from a filter file, at N registry rows (default 10 M; pass
# 50000000 for 50 M). Run outside the test suite:
#
#   cargo build --release && benches/registry.sh [N] [WORKDIR]
#
# PostgreSQL: set DIALSIM_PG_URL to a server this script may create a database on (.ci/postgres start DIR
# starts one); without it the PostgreSQL rows are skipped. WORKDIR (default /tmp/dialsim-registry-bench) needs
# about 60 bytes per row for the files and SQLite, plus PostgreSQL's own ~100 bytes per row.
set -euo pipefail
n="${1:-10000000}"
work="${2:-/tmp/dialsim-registry-bench}"
bin="$(cd "$(dirname "$0")/.." && pwd)/target/release/dialsim"
list=10000000
mkdir -p "$work"
cd "$work"
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
echo "machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; $("$bin" --version)"
echo "registry rows: $n; list: $list numbers (cz mobile+fixedLine)"
if [ ! -f "sup-$n.csv" ]; then
  # The suppressed numbers: another seed's draw of the same space, as a file of number,kind,time,source.
  "$bin" generate -q --plan cz -n "$n" --seed 11 --format txt -o "sup-$n.txt"
  awk 'BEGIN { print "number,kind,time,source" } { print $1 ",objection,2026-01-05T10:00:00Z,crm" }' "sup-$n.txt" >"sup-$n.csv"
  rm "sup-$n.txt"
fi
rm -f reg.sqlite reg.sqlite-wal reg.sqlite-shm reg.sqlite.exclude.filter
"$bin" registry init --registry reg.sqlite 2>/dev/null
t=$(secs "$bin" registry import "sup-$n.csv" --column number --kind suppression --registry reg.sqlite)
echo "sqlite import: $t s ($(echo "$n / $t" | bc) rows/s)"
t=$(secs "$bin" filter build "sup-$n.csv" --column number -o "sup-$n.filter" --fp-rate 0.000001 --seed 1)
echo "filter build from the file: $t s"
gen() { "$bin" generate -q --plan cz -n "$list" --seed 7 --format txt -o "list-$1.txt" "${@:2}"; }
for i in 1 2 3; do
  t_file=$(secs gen file --exclude "sup-$n.filter")
  t_reg=$(secs gen reg --registry reg.sqlite)
  echo "list of $list, exclusion from the filter file: $t_file s; from the sqlite registry (cache warm after the first): $t_reg s; ratio $(echo "scale=2; $t_file / $t_reg" | bc)"
done
if [ -n "${DIALSIM_PG_URL:-}" ]; then
  psql -q "$DIALSIM_PG_URL" -c "DROP DATABASE IF EXISTS dialsim_bench" -c "CREATE DATABASE dialsim_bench"
  url="${DIALSIM_PG_URL%/*}/dialsim_bench"
  export DIALSIM_CACHE_DIR="$work/cache"
  rm -rf "$DIALSIM_CACHE_DIR"
  "$bin" registry init --registry "$url" 2>/dev/null
  t=$(secs "$bin" registry import "sup-$n.csv" --column number --kind suppression --registry "$url")
  echo "postgres import: $t s ($(echo "$n / $t" | bc) rows/s)"
  for i in 1 2 3; do
    t_file=$(secs gen file --exclude "sup-$n.filter")
    t_reg=$(secs gen reg --registry "$url")
    echo "list of $list, exclusion from the filter file: $t_file s; from the postgres registry (cache warm after the first): $t_reg s; ratio $(echo "scale=2; $t_file / $t_reg" | bc)"
  done
  psql -q "$DIALSIM_PG_URL" -c "DROP DATABASE dialsim_bench WITH (FORCE)"
fi
