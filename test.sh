#!/usr/bin/env bash
# Runs every test: the xunit suite (Core, CLI, cmdlets in a real runspace, help) and the Pester suite
# against the built module in the official PowerShell, which the repo restores itself (a .NET tool pinned
# in .config/dotnet-tools.json; Pester from NuGet through the test project). Needs only the .NET SDK.
# Exits non-zero when any test fails or a tool cannot be restored.
set -euo pipefail
cd "$(dirname "$0")"

dotnet tool restore >/dev/null || { echo "test.sh: 'dotnet tool restore' failed: PowerShell 7.6.9 (.config/dotnet-tools.json) could not be restored" >&2; exit 1; }
dotnet build Outpost.sln --nologo -v q -clp:NoSummary

# The PowerShell tool's own pwsh, on PATH for this run: the Pester suite runs in it, and responders
# started by the tests map .ps1 jobs to it.
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
version=$(sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' .config/dotnet-tools.json | tail -n 1)
case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) flavour=win;; *) flavour=unix;; esac
pwsh_dir="${packages%/}/powershell/$version/tools/net10.0/any/$flavour"
if [ ! -x "$pwsh_dir/pwsh" ] && [ ! -f "$pwsh_dir/pwsh.exe" ]; then
  echo "test.sh: pwsh was not found at $pwsh_dir after 'dotnet tool restore'" >&2; exit 1
fi
export PATH="$pwsh_dir:$PATH"

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
dotnet test Outpost.sln --no-build --nologo -v q --logger "trx;LogFileName=xunit.trx" --results-directory "$results" || status=$?
trx=$(ls "$results"/*.trx 2>/dev/null | head -n 1 || true)
if [ -z "$trx" ]; then echo "test.sh: the xunit run wrote no report" >&2; exit 1; fi
pwsh -NoProfile -NonInteractive -File tools/test/Summarize-TestResults.ps1 -Path "$trx" || status=1

pester_status=0
pwsh -NoProfile -NonInteractive -File ./build.ps1 -Test -NoBuild || pester_status=$?
[ "$status" -eq 0 ] && [ "$pester_status" -eq 0 ]
