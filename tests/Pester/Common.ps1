# Shared by the *.Tests.ps1 files: dot-source it in a BeforeAll. Each file imports the built module and
# starts what it needs on its own $TestDrive, so any file runs alone.

$script:ModulePath = Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1'

function Import-OutpostUnderTest {
    Import-Module $script:ModulePath -Force
}

# Starts a responder job on $Share and waits until it advertises (inbox/dispatch.txt exists).
function Start-TestResponder {
    param(
        [Parameter(Mandatory)] [string] $Share,
        [string] $Name = 'pester-responder',
        [int] $LaneCount = 2
    )
    $job = Start-OutpostResponder -Path $Share -LaneCount $LaneCount -PollIntervalSec 0.1 -Name $Name -AsJob
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path (Join-Path $Share 'inbox/dispatch.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    if (-not (Test-Path (Join-Path $Share 'inbox/dispatch.txt'))) { throw "the test responder on $Share did not advertise within 20 s" }
    $job
}

function Stop-TestResponder {
    param($Job)
    if ($Job) { $Job | Stop-Job; $Job | Remove-Job -Force }
}

# The shell that `-Extension sh` jobs need: the job-flow tests use POSIX sh commands.
$script:IsPosix = -not ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop')

# For a BeforeEach: skips the test, with the reason in the run's output, where jobs cannot be POSIX sh scripts.
function Skip-UnlessPosixShell {
    if (-not $script:IsPosix) { Set-ItResult -Skipped -Because 'it needs a POSIX sh (its jobs are shell scripts): Linux and macOS only' }
}
