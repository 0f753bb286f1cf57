#!/usr/bin/env bash
# Runs every test: the xunit suite (Core, CLI, cmdlet contracts, help) and, where pwsh and Pester are on
# PATH, the Pester suite against the built module. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Outpost.sln --nologo -v q --logger "trx;LogFileName=xunit.trx" --results-directory "$results" || status=$?
# One plain closing line with the counts, read from the test run's own report.
if trx=$(ls "$results"/*.trx 2>/dev/null | head -n 1) && [ -n "$trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  echo "xunit: $(count passed) passed, $(( $(count failed) + $(count error) )) failed, $(count notExecuted) skipped"
fi
[ "$status" -eq 0 ] || exit "$status"
if command -v pwsh >/dev/null 2>&1 && pwsh -NoProfile -Command 'try { Import-Module Pester -MinimumVersion 5.0.0 -ErrorAction Stop; exit 0 } catch { exit 1 }' >/dev/null 2>&1; then
  pwsh -NoProfile -File ./build.ps1 -Test -NoBuild
else
  echo "Pester tests skipped: pwsh with Pester 5 is not on PATH"
fi
