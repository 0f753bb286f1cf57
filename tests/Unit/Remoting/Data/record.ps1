#Requires -Version 5.1
<#
.SYNOPSIS
    Records the stdout of real runs of the Invoke-OutpostCommand wrapper, as test data for the frame decoder.
.DESCRIPTION
    Builds the wrapper with Outpost.Core's RemoteCommandScript (the same code the cmdlet uses), runs it with
    the PowerShell running this script (pwsh or powershell.exe) exactly as a responder does
    (-NoProfile -ExecutionPolicy Bypass -File), and saves its stdout byte for byte. The token is fixed so the
    tests know it. Re-record after changing the wrapper:
        pwsh -NoProfile -File tests/Unit/Remoting/Data/record.ps1
#>
$ErrorActionPreference = 'Stop'
$root = Resolve-Path "$PSScriptRoot/../../../.."
Add-Type -Path "$root/out/Outpost/Outpost.Core.dll"
$token = 'OUTPOST-recorded0000000000000000000000'
$shell = (Get-Process -Id $PID).Path

function Record([string] $Name, [string] $Script, [object[]] $Arguments) {
    $argsXml = if ($Arguments) { [System.Management.Automation.PSSerializer]::Serialize($Arguments, 2) } else { $null }
    $wrapper = [Outpost.Core.Remoting.RemoteCommandScript]::Build($Script, $argsXml, $null, 2, $token)
    $file = Join-Path ([IO.Path]::GetTempPath()) "outpost-record-$Name.ps1"
    [IO.File]::WriteAllText($file, $wrapper)
    $psi = [System.Diagnostics.ProcessStartInfo]::new($shell, "-NoProfile -ExecutionPolicy Bypass -File `"$file`"")
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $out = [IO.MemoryStream]::new()
    $process.StandardOutput.BaseStream.CopyTo($out)
    $process.WaitForExit()
    [IO.File]::WriteAllBytes("$PSScriptRoot/$Name.stdout", $out.ToArray())
    Remove-Item $file
    "$Name.stdout: $($out.Length) bytes, exit $($process.ExitCode)"
}

Record 'streams' @'
[pscustomobject]@{ Name = 'alpha'; Count = 3; When = [datetime]'2026-01-02T03:04:05Z'; Nested = @{ Inner = @(1, 2) } }
'plain string'
[Console]::WriteLine('stray console line')
Write-Warning 'a warning'
Write-Verbose 'a verbose line'
Write-Debug 'a debug line'
Write-Information 'an information record'
Write-Error 'a remote error'
42
'@
Record 'arguments' 'param($a, $b) "$a-$b"' @('left', 7)
Record 'throws' @'
'before the throw'
throw 'remote failure'
'@
Record 'nulls' @'
$null
1
,@(1, @(2, 3))
[void] 'dropped'
'@
Record 'exits' @'
'before exit'
1/0
'after a statement-terminating error'
exit 5
'@
Record 'defaults' 'param($x = ''default'') $x; $args.Count'
