#!/usr/bin/env bash
# Runs every test: `./build.ps1 -Test` in the official PowerShell, which the repo restores itself (a .NET
# tool pinned in .config/dotnet-tools.json). build.ps1 restores Pester (NuGet), builds, runs the xunit
# suite (failures with messages, skips with reasons, counts) and the Pester suite against the built
# module. Needs only the .NET SDK. Exits non-zero when any test fails or a tool cannot be restored.
set -euo pipefail
cd "$(dirname "$0")"
dotnet tool restore >/dev/null || { echo "test.sh: 'dotnet tool restore' failed: PowerShell (.config/dotnet-tools.json) could not be restored" >&2; exit 1; }
exec dotnet tool run pwsh -NoProfile -NonInteractive -File ./build.ps1 -Test "$@"
