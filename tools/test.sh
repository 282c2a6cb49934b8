#!/usr/bin/env bash
# README's second command: set up, then run every test project; prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh || exit 1
results=$(mktemp -d)
status=0
dotnet test ControlRL.sln -c Release --no-build -nologo \
  --logger "trx;LogFilePrefix=r" --results-directory "$results" "$@" || status=$?
passed=0; failed=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$c"); x=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$c")
  passed=$((passed + p)); failed=$((failed + x))
done
rm -rf "$results"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
