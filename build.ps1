#Requires -Version 5.1
<#
.SYNOPSIS
    Builds the Outpost module folder (out/Outpost) and runs the tests.
.DESCRIPTION
    The single PowerShell entry point: `dotnet build` assembles out/Outpost (manifest, assemblies, format
    data, MAML help); -Test also runs the xunit suite and the Pester tests in tests/Pester against the
    built module, in a fresh pwsh so the module under test is the one just built.
.EXAMPLE
    ./build.ps1            # build out/Outpost
.EXAMPLE
    ./build.ps1 -Test      # build, then run xunit and Pester
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    [switch] $Test,
    # Skip the build (the caller has just built) and, with -Test, the xunit run.
    [switch] $NoBuild
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

if (-not $NoBuild) {
    dotnet build Outpost.sln -c $Configuration --nologo -v q
    if ($LASTEXITCODE) { throw "dotnet build failed ($LASTEXITCODE)" }
    if ($Test) {
        dotnet test Outpost.sln -c $Configuration --no-build --nologo -v q
        if ($LASTEXITCODE) { throw "xunit tests failed ($LASTEXITCODE)" }
    }
}

if ($Test) {
    # Pester comes from NuGet (tests/Unit restores it with a PackageDownload): the package holds the module under tools/.
    $packages = ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
    $manifest = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "Pester 5.7.1 was not found at ${manifest}: run 'dotnet build Outpost.sln' (it restores Pester) and try again"
    }
    $pester = [pscustomobject]@{ Path = $manifest }
    # A child pwsh: the binary module loads once per process, so each run gets a clean one.
    $script = @"
Import-Module '$($pester.Path)'
`$config = New-PesterConfiguration
`$config.Run.Path = '$PSScriptRoot/tests/Pester'
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
`$result = Invoke-Pester -Configuration `$config
"pester: `$(`$result.PassedCount) passed, `$(`$result.FailedCount) failed, `$(`$result.SkippedCount) skipped"
exit [int](`$result.FailedCount -gt 0 -or `$result.Result -ne 'Passed')
"@
    $shell = (Get-Process -Id $PID).Path
    & $shell -NoProfile -NonInteractive -Command $script
    if ($LASTEXITCODE) { throw "Pester tests failed ($LASTEXITCODE)" }
}
