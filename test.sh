#!/usr/bin/env bash
# Runs every test: the xunit suite (Core, CLI, cmdlet contracts) and, where pwsh and Pester are on
# PATH, the Pester suite against the built module. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test Outpost.sln --nologo -v q
if command -v pwsh >/dev/null 2>&1 && pwsh -NoProfile -Command 'if (Get-Module -ListAvailable Pester | Where-Object Version -ge 5.0) { exit 0 } else { exit 1 }' >/dev/null 2>&1; then
  pwsh -NoProfile -File ./build.ps1 -Test -NoBuild
else
  echo "Pester tests skipped: pwsh with Pester 5 is not on PATH"
fi
