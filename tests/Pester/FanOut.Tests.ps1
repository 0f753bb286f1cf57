#Requires -Modules Pester
# Invoke-OutpostCommand across several targets at once, as Invoke-Command -ComputerName a,b,c: results
# tagged with PSComputerName, a failing target reported by name while the others go on, -ThrottleLimit,
# -AsJob with a child job per target; Submit-OutpostJob to several targets.

BeforeDiscovery {
    $script:HasPs1 = [bool](Get-Command pwsh, powershell -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1') -Force
    function script:WaitForHeartbeat([string] $Share) {
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while (-not (Test-Path (Join-Path $Share 'inbox/1/status.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    }
    $script:Live = foreach ($n in 1..3) {
        $share = Join-Path $TestDrive "live$n"
        [pscustomobject]@{ Share = $share; Job = Start-OutpostResponder -Path $share -PollIntervalSec 0.1 -Name "pester-fan-$n" -AsJob }
    }
    $Live | ForEach-Object { WaitForHeartbeat $_.Share }
    # One target whose responder has stopped.
    $script:Down = Join-Path $TestDrive 'down'
    $stopped = Start-OutpostResponder -Path $Down -PollIntervalSec 0.1 -Name 'pester-fan-down' -AsJob
    WaitForHeartbeat $Down
    $stopped | Stop-Job
    $stopped | Remove-Job -Force
    $script:Shares = @($Live.Share)
    # Registered names, for -Target and Get-OutpostTarget piping.
    $script:SavedTargets = $env:OUTPOST_TARGETS
    $env:OUTPOST_TARGETS = Join-Path $TestDrive 'targets.toml'
    Add-OutpostTarget -Name fan-a -Path $Shares[0]
    Add-OutpostTarget -Name fan-b -Path $Shares[1]
    Add-OutpostTarget -Name fan-down -Path $Down
    # PSComputerName is the target's name: its registered name, else (live3) the share's path.
    $script:Names = @('fan-a', 'fan-b', $Shares[2]) | Sort-Object
}

AfterAll {
    $env:OUTPOST_TARGETS = $SavedTargets
    foreach ($l in $Live) { $l.Job | Stop-Job; $l.Job | Remove-Job -Force }
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'Invoke-OutpostCommand on several targets' -Skip:(-not $HasPs1) {
    It 'tags every result with PSComputerName and OutpostTarget and reports the stopped target by name' {
        $out = Invoke-OutpostCommand -Path ($Shares + $Down) { [pscustomobject]@{ Pid = $PID } } -ErrorVariable err -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 3
        ($out.PSComputerName | Sort-Object) | Should -Be $Names
        ($out.OutpostTarget | Sort-Object) | Should -Be $Names
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NoLiveResponder,*'
        $err[0].TargetObject | Should -Be 'fan-down'
        $err[0].Exception.Message | Should -BeLike "*fan-down*"
    }

    It 'takes -Target names and Get-OutpostTarget objects from the pipeline, named by their target names' {
        $byName = Invoke-OutpostCommand -Target fan-a, fan-b { 'x' }
        ($byName.PSComputerName | Sort-Object) | Should -Be @('fan-a', 'fan-b')
        $piped = Get-OutpostTarget | Invoke-OutpostCommand { 'y' } -ErrorVariable err -ErrorAction SilentlyContinue
        ($piped.PSComputerName | Sort-Object) | Should -Be @('fan-a', 'fan-b')
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be 'fan-down'
    }

    It 'runs on all targets at once' {
        $spans = Invoke-OutpostCommand -Path $Shares { $start = [datetime]::UtcNow; Start-Sleep -Seconds 5; [pscustomobject]@{ Start = $start; End = [datetime]::UtcNow } }
        @($spans).Count | Should -Be 3
        # Every run started before any other ended: they overlapped.
        ($spans.Start | Measure-Object -Maximum).Maximum | Should -BeLessThan ($spans.End | Measure-Object -Minimum).Minimum
    }

    It 'runs one at a time with -ThrottleLimit 1' {
        $spans = Invoke-OutpostCommand -Path $Shares -ThrottleLimit 1 { $start = [datetime]::UtcNow; Start-Sleep -Milliseconds 500; [pscustomobject]@{ Start = $start; End = [datetime]::UtcNow } }
        $sorted = @($spans | Sort-Object Start)
        $sorted.Count | Should -Be 3
        for ($i = 1; $i -lt $sorted.Count; $i++) { $sorted[$i].Start | Should -BeGreaterThan $sorted[$i - 1].End }
    }

    It 'streams each target''s output as it comes' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-OutpostCommand -Path $Shares[0], $Shares[1] { 'early'; Start-Sleep -Seconds 8; 'late' } | Select-Object -First 1
        $clock.Stop()
        $first | Should -Be 'early'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 7
    }

    It 'reports a remote throw for its target and goes on with the others' {
        $out = Invoke-OutpostCommand -Path $Shares[0], $Shares[1] { throw 'only here' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 2
        ($err.OriginInfo.PSComputerName | Sort-Object) | Should -Be @('fan-a', 'fan-b')
        $err[0].Exception.Message | Should -Be 'only here'
    }
}

Describe 'Invoke-OutpostCommand -AsJob on several targets' -Skip:(-not $HasPs1) {
    It 'gives one parent job with a child job per target' {
        $job = Invoke-OutpostCommand -Path ($Shares + $Down) { "from $PID" } -AsJob
        $job.PSJobTypeName | Should -Be 'OutpostInvoke'
        $job.ChildJobs.Count | Should -Be 4
        $job | Wait-Job -Timeout 90 | Out-Null
        $job.State | Should -Be 'Failed'
        $job.JobStateInfo.Reason.Message | Should -BeLike '*no live responder*'
        $job.HasMoreData | Should -BeTrue
        $results = $job | Receive-Job -ErrorVariable err -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 3
        ($results.PSComputerName | Sort-Object) | Should -Be $Names
        $job.HasMoreData | Should -BeFalse
        $down = $job.ChildJobs | Where-Object Location -eq 'fan-down'
        $down.State | Should -Be 'Failed'
        $down.JobStateInfo.Reason | Should -Not -BeNullOrEmpty
        @($job.ChildJobs | Where-Object State -eq 'Completed').Count | Should -Be 3
        $job | Remove-Job
    }

    It 'stops every child with Stop-Job' {
        $job = Invoke-OutpostCommand -Path $Shares { Start-Sleep -Seconds 60 } -AsJob
        Start-Sleep -Seconds 3
        $job | Stop-Job
        $job.State | Should -Be 'Stopped'
        @($job.ChildJobs | Where-Object State -ne 'Stopped').Count | Should -Be 0
        $job | Remove-Job -Force
    }
}

Describe 'Submit-OutpostJob to several targets' {
    It 'submits one job per target and waits for all of them with -Wait' {
        $sh = if ($IsWindows) { 'cmd' } else { 'sh' }
        $jobs = Submit-OutpostJob -Path $Shares -Command 'echo fan' -Extension $sh -Wait
        @($jobs).Count | Should -Be 3
        ($jobs | ForEach-Object { $_.Result.ExitCode }) | Should -Be @(0, 0, 0)
        ($jobs | Receive-OutpostJob) | Should -Be @('fan', 'fan', 'fan')
    }
}

Describe '-Target beside -Path' -Skip:(-not $HasPs1) {
    It 'names each path by its -Target when given one for one, as a single -Path -Target always has' {
        $out = Invoke-OutpostCommand -Path $Shares[2] -Target 'kiosk' { 'x' }
        $out.PSComputerName | Should -Be 'kiosk'
        $out.OutpostTarget | Should -Be 'kiosk'
    }
}
