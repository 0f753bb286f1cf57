#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Drives the built module as a user would: a real responder started with Start-OutpostResponder -AsJob
# on $TestDrive, real jobs, the pipelines the help shows, errors and -WhatIf.

BeforeAll {
    $script:ModulePath = Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1'
    Import-Module $ModulePath -Force
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-OutpostResponder -Path $Share -LaneCount 2 -PollIntervalSec 0.1 -Name 'pester-responder' -AsJob
    # Wait until it advertises.
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path (Join-Path $Share 'inbox/dispatch.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    $script:Sh = if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') { 'cmd' } else { 'sh' }
}

AfterAll {
    if ($Responder) { $Responder | Stop-Job; $Responder | Remove-Job -Force }
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'exports the cmdlets the manifest lists' {
        $commands = Get-Command -Module Outpost
        $commands.Name | Should -Contain 'Submit-OutpostJob'
        $commands.Name | Should -Contain 'Start-OutpostResponder'
        ($commands | Where-Object CommandType -ne 'Cmdlet') | Should -BeNullOrEmpty
    }

    It 'shows the responder job in Get-Job' {
        Get-Job -Id $Responder.Id | Should -Not -BeNullOrEmpty
        $Responder.State | Should -Be 'Running'
        $Responder.PSJobTypeName | Should -Be 'OutpostResponder'
    }
}

Describe 'Submit, wait, receive' {
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

Describe 'Status and errors' {
    It 'probes the share' {
        $status = Get-OutpostStatus -Path $Share
        $status.Available | Should -BeTrue
        $status.ResponderName | Should -Be 'pester-responder'
        $status.Lanes.Count | Should -Be 2
    }

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

BeforeDiscovery {
    # The wrapper is a .ps1 job: the responder serves ps1 when pwsh (or powershell) is on PATH.
    $script:HasPs1 = [bool](Get-Command pwsh, powershell -CommandType Application -ErrorAction SilentlyContinue)
}

Describe 'Invoke-OutpostCommand' {

    It 'round-trips objects with their properties and an OutpostTarget note' -Skip:(-not $HasPs1) {
        $result = Invoke-OutpostCommand -Path $Share {
            [pscustomobject]@{ Name = 'a'; When = [datetime]'2026-01-02T03:04:05Z'; Nested = @{ Inner = @(1, 2, 3) } }
        } -Depth 3
        $result.Name | Should -Be 'a'
        $result.When | Should -BeOfType [datetime]
        $result.Nested.Inner | Should -Be @(1, 2, 3)
        $result.OutpostTarget | Should -Not -BeNullOrEmpty
    }

    It 'sends each stream to the matching local stream' -Skip:(-not $HasPs1) {
        $out = Invoke-OutpostCommand -Path $Share {
            Write-Output 'out'; Write-Warning 'warn'; Write-Verbose 'verb'; Write-Error 'bad thing'; Write-Information 'info'
        } -WarningVariable w -ErrorVariable e -InformationVariable i -Verbose -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -InformationAction SilentlyContinue 4>&1
        ($out | Where-Object { $_ -is [string] -or $_.BaseObject -is [string] }) | Should -Contain 'out'
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain 'verb'
        $w[0].Message | Should -Be 'warn'
        $e[0].Exception.Message | Should -Be 'bad thing'
        $i[0].MessageData | Should -Be 'info'
    }

    It 'passes -ArgumentList and $using: values' -Skip:(-not $HasPs1) {
        $factor = 10
        Invoke-OutpostCommand -Path $Share -ArgumentList 4 { param($n) $n * $using:factor } | Should -Be 40
    }

    It 'turns a throwing script block into a terminating error with the remote message' -Skip:(-not $HasPs1) {
        { Invoke-OutpostCommand -Path $Share { throw 'remote boom' } -ErrorAction Stop } | Should -Throw '*remote boom*'
    }

    It 'reports a timeout as JobTimedOut' -Skip:(-not $HasPs1) {
        $err = $null
        Invoke-OutpostCommand -Path $Share { Start-Sleep 30 } -TimeoutSec 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'JobTimedOut,*'
    }

    It 'keeps stray stdout text as strings' -Skip:(-not $HasPs1) {
        $out = Invoke-OutpostCommand -Path $Share { [Console]::WriteLine('raw line'); 'object' }
        $out | Should -Contain 'raw line'
        $out | Should -Contain 'object'
    }

    It 'delivers output before a slow script block finishes' -Skip:(-not $HasPs1) {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-OutpostCommand -Path $Share { 'early'; Start-Sleep 5; 'late' } | Select-Object -First 1
        $clock.Stop()
        $first | Should -Be 'early'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 4.5
    }

    It 'works with -AsJob and Receive-Job' -Skip:(-not $HasPs1) {
        $job = Invoke-OutpostCommand -Path $Share { 1..3 } -AsJob
        $job | Wait-Job -Timeout 60 | Receive-Job | Should -Be @(1, 2, 3)
        $job | Remove-Job
    }
}
