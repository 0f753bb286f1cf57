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
    # A child PowerShell: the binary module loads once per process, so each run gets a clean one. The
    # driver is a script file run with -File and its paths are parameters: Windows PowerShell 5.1 does
    # not escape the double quotes of a -Command argument, and nothing here is interpolated into code.
    $driver = Join-Path ([IO.Path]::GetTempPath()) ("outpost-pester-" + [guid]::NewGuid().ToString('N') + '.ps1')
    $text = @'
param([string] $PesterManifest, [string] $TestsPath)
Import-Module -Name $PesterManifest
$config = New-PesterConfiguration
$config.Run.Path = $TestsPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
"pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
exit [int]($result.FailedCount -gt 0 -or $result.Result -ne 'Passed')
'@
    # UTF-8 with a BOM, which 5.1 needs to read a script as UTF-8.
    [IO.File]::WriteAllText($driver, $text, [Text.UTF8Encoding]::new($true))
    # The PowerShell in $PSHOME, not this process: under the PowerShell .NET tool the process is dotnet.
    $shell = @('pwsh.exe', 'pwsh', 'powershell.exe') | ForEach-Object { Join-Path $PSHOME $_ } |
        Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    try {
        & $shell -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $driver -PesterManifest $pester.Path -TestsPath (Join-Path $PSScriptRoot 'tests/Pester')
    }
    finally {
        Remove-Item -LiteralPath $driver -ErrorAction SilentlyContinue
    }
    if ($LASTEXITCODE) { throw "Pester tests failed ($LASTEXITCODE)" }
}
