<#
.SYNOPSIS
    Prints what an xunit run did from its .trx report: each failure with its message and stack, each
    skip with its one-line reason, and one plain closing line with the counts of this run.
.DESCRIPTION
    The counters in a .trx say 0 skipped where tests were skipped, so the counts come from the results
    themselves. Exits 1 when the report has a failure or cannot be read.
#>
param([Parameter(Mandatory)] [string] $Path)
$ErrorActionPreference = 'Stop'
[xml] $trx = Get-Content -LiteralPath $Path -Raw
$ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
$results = @(Select-Xml -Xml $trx -XPath '//t:UnitTestResult' -Namespace $ns | ForEach-Object Node)
$failed = @($results | Where-Object outcome -in 'Failed', 'Error', 'Timeout', 'Aborted')
$skipped = @($results | Where-Object outcome -eq 'NotExecuted')
$passed = @($results | Where-Object outcome -eq 'Passed')
foreach ($test in $failed) {
    Write-Host "FAILED $($test.testName)"
    $info = $test.Output.ErrorInfo
    if ($info) {
        if ($info.Message) { Write-Host ("  " + ($info.Message -replace "`n", "`n  ")) }
        if ($info.StackTrace) { Write-Host ("  " + ($info.StackTrace -replace "`n", "`n  ")) }
    }
}
foreach ($test in $skipped) {
    $reason = $test.Output.StdOut
    if (-not $reason -and $test.Output.ErrorInfo) { $reason = $test.Output.ErrorInfo.Message }
    $line = if ($reason) { ($reason -split "`n")[0].Trim() } else { 'no reason given' }
    Write-Host "skipped $($test.testName): $line"
}
Write-Host "xunit: $($passed.Count) passed, $($failed.Count) failed, $($skipped.Count) skipped"
exit [int]($failed.Count -gt 0)
