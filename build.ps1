#Requires -Version 5.1
<#
.SYNOPSIS
    Builds the Outpost module folder (out/Outpost), runs the tests, packs the module.
.DESCRIPTION
    The single PowerShell entry point, the same on Windows PowerShell 5.1 and PowerShell 7, with no bash:
    `dotnet build` assembles out/Outpost (manifest, assemblies, format data, MAML help).
    -Test restores the repo's tools (PowerShell 7.6.9, a .NET tool; Pester 5.7.1 from NuGet), runs the
    xunit suite and prints each failure with its message, each skip with its reason and the counts, then
    runs tests/Pester against the built module in a fresh PowerShell (the restored pwsh 7.6.9, or
    Windows PowerShell when this script runs in it). ./test.sh runs exactly this.
    -Package writes out/Outpost.<version>.nupkg with Publish-PSResource (the version comes from
    <Version> in Directory.Build.props).
.EXAMPLE
    ./build.ps1            # build out/Outpost
.EXAMPLE
    ./build.ps1 -Test      # build, then run xunit and Pester
.EXAMPLE
    ./build.ps1 -Package   # build, then write out/Outpost.<version>.nupkg
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    [switch] $Test,
    [switch] $Package,
    # Skip the build (the caller has just built) and, with -Test, the xunit run: only Pester runs.
    [switch] $NoBuild
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$onWindows = $PSVersionTable.PSEdition -eq 'Desktop' -or $IsWindows

# Native commands run with ErrorActionPreference Continue (local to each function): Windows PowerShell 5.1
# turns a native command's stderr into error records, which Stop would make fatal.
function Invoke-Dotnet {
    $ErrorActionPreference = 'Continue'
    dotnet @args
    if ($LASTEXITCODE) { throw "dotnet $($args[0]) failed (exit $LASTEXITCODE)" }
}

function Get-NuGetPackageFolder {
    ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}

# The restored PowerShell tool's folder: its pwsh.dll runs anywhere under `dotnet`; its native launchers
# (win/pwsh.exe, unix/pwsh) are x64 builds for Windows and Linux.
function Get-ToolPwshFolder {
    $version = (Get-Content -Raw .config/dotnet-tools.json | ConvertFrom-Json).tools.powershell.version
    $flavour = if ($onWindows) { 'win' } else { 'unix' }
    $folder = Join-Path (Get-NuGetPackageFolder) "powershell/$version/tools/net10.0/any/$flavour"
    if (-not (Test-Path -LiteralPath (Join-Path $folder 'pwsh.dll'))) { throw "pwsh $version was not found in $folder after 'dotnet tool restore'" }
    $folder
}

# The restored pwsh as a command and its leading arguments: the native launcher where it runs (x64
# Windows and Linux), else `dotnet pwsh.dll` (macOS, Arm). Callers wrap it in @().
function Get-ToolPwshCommand {
    $folder = Get-ToolPwshFolder
    $x64 = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64'
    if ($x64 -and $onWindows) { return Join-Path $folder 'pwsh.exe' }
    if ($x64 -and $IsLinux) { return Join-Path $folder 'pwsh' }
    'dotnet', (Join-Path $folder 'pwsh.dll')
}

function Invoke-XunitSuite {
    $ErrorActionPreference = 'Continue'
    $results = Join-Path ([IO.Path]::GetTempPath()) ("outpost-xunit-" + [guid]::NewGuid().ToString('N'))
    try {
        dotnet test Outpost.sln -c $Configuration --no-build --nologo -v q --logger 'trx;LogFileName=xunit.trx' --results-directory $results | Out-Host
        $testExit = $LASTEXITCODE
        $trx = Join-Path $results 'xunit.trx'
        if (-not (Test-Path -LiteralPath $trx)) { throw "the xunit run wrote no report (dotnet test exit $testExit)" }
        & (Join-Path $PSScriptRoot 'tools/test/Summarize-TestResults.ps1') -Path $trx | Out-Host
        [bool]($testExit -or $LASTEXITCODE)
    }
    finally { Remove-Item -LiteralPath $results -Recurse -Force -ErrorAction SilentlyContinue }
}

function Invoke-PesterSuite {
    $ErrorActionPreference = 'Continue'
    # Pester comes from NuGet (tests/Unit restores it with a PackageDownload): the package holds the module under tools/.
    $pester = Join-Path (Get-NuGetPackageFolder) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path -LiteralPath $pester)) {
        throw "Pester 5.7.1 was not found at ${pester}: run 'dotnet build Outpost.sln' (it restores Pester) and try again"
    }
    # A child process: the binary module loads once per process, so each run gets a clean one. In Windows
    # PowerShell the suite runs in Windows PowerShell; elsewhere in the restored pwsh. The driver is a
    # script file with its paths as parameters (5.1 does not escape the quotes of a -Command argument),
    # run with -ExecutionPolicy Bypass (a Windows client's default policy runs no scripts).
    $shell = @(if ($PSVersionTable.PSEdition -eq 'Desktop') { Join-Path $PSHOME 'powershell.exe' } else { Get-ToolPwshCommand })
    $leading = @($shell | Select-Object -Skip 1)
    & $shell[0] @leading -NoProfile -NonInteractive -ExecutionPolicy Bypass -File (Join-Path $PSScriptRoot 'tools/test/Invoke-PesterSuite.ps1') -PesterManifest $pester -Path (Join-Path $PSScriptRoot 'tests/Pester') | Out-Host
    [bool]$LASTEXITCODE
}

function New-Package {
    $ErrorActionPreference = 'Continue'
    # Publish-PSResource lives in PowerShell 7.4+; Windows PowerShell uses the restored pwsh for this step.
    $pwsh = @(Get-ToolPwshCommand)
    $leading = @($pwsh | Select-Object -Skip 1)
    & $pwsh[0] @leading -NoProfile -NonInteractive -ExecutionPolicy Bypass -File (Join-Path $PSScriptRoot 'tools/build/New-ModulePackage.ps1') -ModuleFolder (Join-Path $PSScriptRoot 'out/Outpost') -OutputFolder (Join-Path $PSScriptRoot 'out')
    if ($LASTEXITCODE) { throw "packing out/Outpost failed (exit $LASTEXITCODE)" }
}

if ($Test -or $Package) {
    Invoke-Dotnet tool restore
    # On PATH for this run where its launcher runs: responders started by the tests map .ps1 jobs to pwsh.
    # (On macOS the pwsh already on PATH serves them.)
    $launcher = @(Get-ToolPwshCommand)
    if ($launcher.Count -eq 1) { $env:PATH = (Split-Path $launcher[0]) + [IO.Path]::PathSeparator + $env:PATH }
}
if (-not $NoBuild) {
    Invoke-Dotnet build Outpost.sln -c $Configuration --nologo -v q '-clp:NoSummary'
}
if ($Package) { New-Package }
if ($Test) {
    $xunitFailed = if ($NoBuild) { $false } else { Invoke-XunitSuite }
    $pesterFailed = Invoke-PesterSuite
    if ($xunitFailed -or $pesterFailed) { throw "tests failed: xunit $(if ($xunitFailed) { 'FAILED' } else { 'passed' }), pester $(if ($pesterFailed) { 'FAILED' } else { 'passed' })" }
}
