#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The job cmdlets as a user drives them against a real responder on $TestDrive: submit, wait, receive,
# list, cancel, remove, the errors they give and -AsJob.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-TestResponder -Share $Share
}

AfterAll {
    Stop-TestResponder $Responder
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'Submit, wait, receive' {
    BeforeEach { Skip-UnlessPosixShell }

    It 'runs a command and pipes into Wait-OutpostJob and Receive-OutpostJob' {
        $out = Submit-OutpostJob -Path $Share -Command 'echo hello-pester' -Extension sh | Wait-OutpostJob -Timeout 30 | Receive-OutpostJob
        $out | Should -Be 'hello-pester'
    }

    It 'returns the job with its result with -Wait' {
        $job = Submit-OutpostJob -Path $Share -Command "echo out; echo err >&2; exit 3" -Extension sh -Wait
        $job | Should -BeOfType 'Outpost.Core.Client.OutpostJob'
        $job.Result.ExitCode | Should -Be 3
        $job.State | Should -Be 'Failed'
        $job | Receive-OutpostJob -Stream Stderr | Should -Be 'err'
        ($job | Receive-OutpostJob -Stream Both) | Should -Be @('out', 'err')
    }

    It 'writes stderr to the error stream with -StderrAsError' {
        $job = Submit-OutpostJob -Path $Share -Command 'echo bad >&2' -Extension sh -Wait
        $errs = $null
        $job | Receive-OutpostJob -StderrAsError -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].Exception.Message | Should -Be 'bad'
    }

    It 'submits a file from the pipeline' {
        $file = Join-Path $TestDrive 'job.sh'
        Set-Content -Path $file -Value 'echo from-file' -NoNewline
        $job = Get-Item $file | Submit-OutpostJob -Path $Share -Wait
        $job.Label | Should -Be 'job'
        $job | Receive-OutpostJob | Should -Be 'from-file'
    }

    It 'carries -Environment and -WorkingDirectory into the script' {
        $job = Submit-OutpostJob -Path $Share -Command 'echo "$GREETING"; pwd' -Extension sh -Environment @{ GREETING = "it's here" } -WorkingDirectory $TestDrive -Wait
        $job | Receive-OutpostJob | Should -Be @("it's here", (Resolve-Path $TestDrive).ProviderPath)
    }

    It 'reports a timeout as exit 124' {
        $job = Submit-OutpostJob -Path $Share -Command 'sleep 20' -Extension sh -TimeoutSec 1 -Wait
        $job.Result.ExitCode | Should -Be 124
        $job.State | Should -Be 'TimedOut'
    }

    It 'does nothing with -WhatIf' {
        $before = @(Get-OutpostJob -Path $Share).Count
        Submit-OutpostJob -Path $Share -Command 'echo no' -Extension sh -WhatIf | Should -BeNullOrEmpty
        @(Get-OutpostJob -Path $Share).Count | Should -Be $before
    }
}

Describe 'Listing, cancelling and removing jobs' {
    BeforeEach { Skip-UnlessPosixShell }

    It 'cancels a running job through Get-OutpostJob -State Running | Stop-OutpostJob' {
        $job = Submit-OutpostJob -Path $Share -Command 'sleep 30' -Extension sh -Lane 2
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while ((Get-OutpostJob -Path $Share -Stem $job.Stem -Lane 2).State -ne 'Running' -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $stopped = Get-OutpostJob -Path $Share -State Running -Lane 2 | Stop-OutpostJob -Wait -Confirm:$false
        $stopped.Result.ExitCode | Should -Be 126
        $stopped.State | Should -Be 'Cancelled'
    }

    It 'filters by label and newest' {
        1..3 | ForEach-Object { Submit-OutpostJob -Path $Share -Command "echo $_" -Extension sh -Label 'counted' -Wait } | Out-Null
        $jobs = Get-OutpostJob -Path $Share -Label 'count*' -Newest 2
        $jobs.Count | Should -Be 2
        $jobs | ForEach-Object { $_.Label | Should -Be 'counted' }
    }

    It 'removes a finished job and refuses an unfinished one without -Force' {
        $done = Submit-OutpostJob -Path $Share -Command 'echo gone' -Extension sh -Wait
        $done | Remove-OutpostJob -Confirm:$false
        Get-OutpostJob -Path $Share -Stem $done.Stem -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        Suspend-OutpostResponder -Path $Share -Confirm:$false
        try {
            $queued = Submit-OutpostJob -Path $Share -Command 'echo later' -Extension sh
            { $queued | Remove-OutpostJob -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'JobNotFinished,Outpost.PowerShell.Commands.RemoveOutpostJobCommand'
            $queued | Remove-OutpostJob -Force -Confirm:$false
            Get-OutpostJob -Path $Share -Stem $queued.Stem -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { Resume-OutpostResponder -Path $Share -Confirm:$false }
    }
}

Describe 'Job errors' {
    It 'gives ConnectionError for a folder that is not there' {
        $missing = Join-Path $TestDrive 'nope'
        { Submit-OutpostJob -Path $missing -Command 'echo' -Extension sh -ErrorAction Stop } |
            Should -Throw -ErrorId 'ShareUnavailable,Outpost.PowerShell.Commands.SubmitOutpostJobCommand'
        $err = $null
        Submit-OutpostJob -Path $missing -Command 'echo' -Extension sh -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'gives ObjectNotFound for an unknown stem' {
        $err = $null
        Wait-OutpostJob -Path $Share -Stem '20200101_000000_000000-nope' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'gives OperationTimeout when a wait runs out' {
        Skip-UnlessPosixShell
        Suspend-OutpostResponder -Path $Share -Confirm:$false
        try {
            $job = Submit-OutpostJob -Path $Share -Command 'echo' -Extension sh
            $err = $null
            $job | Wait-OutpostJob -Timeout 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        }
        finally { Resume-OutpostResponder -Path $Share -Confirm:$false }
    }
}

Describe 'Submit-OutpostJob -AsJob' {
    BeforeEach { Skip-UnlessPosixShell }

    It 'works with Wait-Job and Receive-Job' {
        $psJob = Submit-OutpostJob -Path $Share -Command 'echo as-job' -Extension sh -AsJob
        $psJob | Wait-Job -Timeout 30 | Out-Null
        $psJob.State | Should -Be 'Completed'
        $psJob | Receive-Job | Should -Be 'as-job'
        $psJob.OutpostJob.Result.ExitCode | Should -Be 0
        $psJob | Remove-Job
    }

    It 'cancels on the target with Stop-Job' {
        $psJob = Submit-OutpostJob -Path $Share -Command 'sleep 30' -Extension sh -AsJob
        Start-Sleep -Milliseconds 500
        $psJob | Stop-Job
        $psJob.State | Should -Be 'Stopped'
        $psJob.OutpostJob.Result.ExitCode | Should -Be 126
        $psJob | Remove-Job
    }
}
