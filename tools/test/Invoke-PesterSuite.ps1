<#
.SYNOPSIS
    Runs the Pester suite (tests/Pester) with the Pester module at -PesterManifest and prints one plain
    closing line with the counts. Exits 1 when a test fails or the run did not pass.
.DESCRIPTION
    build.ps1 -Test starts it in a fresh PowerShell process, so the binary module under test loads once
    in a clean process. Runs as a script file (never a -Command string) so that paths with spaces or
    quotes reach it intact in Windows PowerShell 5.1 and PowerShell 7 alike.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $Path
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterManifest
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
foreach ($test in @($result.Skipped)) {
    # Set-ItResult -Skipped -Because leaves its reason in the test's error record.
    $reason = if ($test.ErrorRecord.Count) { $test.ErrorRecord[0].Exception.Message } else { 'no reason given' }
    Write-Host "skipped $($test.ExpandedPath): $reason"
}
Write-Host "pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
exit [int]($result.FailedCount -gt 0 -or $result.Result -ne 'Passed')
