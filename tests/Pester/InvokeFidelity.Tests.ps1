#Requires -Modules Pester
# Invoke-OutpostCommand side by side with PowerShell's own: Invoke-Command for $null, empty output, $args,
# parameter defaults, arrays, [void] and error positions; Start-Job for $using: in every form it accepts;
# a failed native command for exit codes. Plus the wait without a responder and hostile frames.

BeforeDiscovery {
    # The wrapper is a .ps1 job: the responder serves ps1 when pwsh (or powershell) is on PATH.
    $script:HasPs1 = [bool](Get-Command pwsh, powershell -CommandType Application -ErrorAction SilentlyContinue)
    $script:Blocks = @(
        @{ Name = '$null'; Text = '$null' }
        @{ Name = 'empty block'; Text = '' }
        @{ Name = 'whitespace only'; Text = "  `n  " }
        @{ Name = '$null between values'; Text = '$null; 1; $null' }
        @{ Name = '$args without -ArgumentList'; Text = '$args.Count' }
        @{ Name = 'a parameter default'; Text = 'param($x = ''default'') $x' }
        @{ Name = 'a default and $args'; Text = 'param($x = 7) $x; $args.Count' }
        @{ Name = 'an array, unrolled'; Text = '1, 2, 3' }
        @{ Name = 'an array as one object'; Text = ',@(1, 2)' }
        @{ Name = 'nested arrays'; Text = '@(1, @(2, 3), @(@(4, 5)))' }
        @{ Name = 'an empty array'; Text = '@()' }
        @{ Name = 'an empty array as one object'; Text = ',@()' }
        @{ Name = '[void]'; Text = '[void] 1; [void] (Get-Date); 2' }
        @{ Name = '$null = and Out-Null'; Text = '$null = 1; 2 | Out-Null' }
        @{ Name = 'a statement-terminating error goes on'; Text = '1/0; ''after''' }
        @{ Name = 'a hashtable'; Text = '@{ a = 1 }.a' }
        @{ Name = 'strings and numbers'; Text = '''text''; 42; 3.5; $true' }
    )
    $script:ArgumentCases = @(
        @{ Name = 'one $null'; Arguments = @(, $null) }
        @{ Name = 'two values'; Arguments = @('a', 2) }
        @{ Name = 'a string that looks like a parameter'; Arguments = @('-x', 'y') }
        @{ Name = 'one array argument'; Arguments = @(, @(1, 2)) }
    )
    $script:Positions = @(
        @{ Name = 'a cmdlet error on line 2'; Text = "'a'`n  Get-Item -LiteralPath /no/such/outpost/path" }
        @{ Name = 'a throw on line 3'; Text = "'a'`n`n   throw 'boom'" }
        @{ Name = 'an expression error'; Text = "`$x = 1`n  `$x / 0" }
        @{ Name = 'a parameter binding error'; Text = "Get-Item -NoSuchParameter" }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1') -Force
    $script:Share = Join-Path $TestDrive 'fidelity'
    $script:Responder = Start-OutpostResponder -Path $Share -LaneCount 2 -PollIntervalSec 0.1 -Name 'pester-fidelity' -AsJob
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path (Join-Path $Share 'inbox/1/status.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }

    # What a user compares: each item's value (not the wrapper PowerShell adds) and how many there are.
    function script:Shape($Items) {
        , @($Items | ForEach-Object {
                if ($null -eq $_) { '<null>' }
                else { ConvertTo-Json -InputObject $_.PSObject.BaseObject -Compress -Depth 6 -WarningAction SilentlyContinue }
            })
    }
    # Runs a command as its own pipeline, as a prompt would: no try/catch of the test encloses it, so a
    # statement-terminating error goes on as it does for a user, and a throw ends only that pipeline.
    function script:Capture([string] $Command, [hashtable] $Parameters) {
        $ps = [PowerShell]::Create([System.Management.Automation.RunspaceMode]::CurrentRunspace)
        [void] $ps.AddCommand($Command).AddParameters($Parameters)
        $out = @()
        $errors = @()
        try { $out = @($ps.Invoke()) }
        catch { $errors += $ps.InvocationStateInfo.Reason.ErrorRecord }
        [pscustomobject]@{ Output = $out; Errors = @($ps.Streams.Error) + $errors }
    }
    function script:Run([string] $Text, [object[]] $Arguments) {
        $block = [scriptblock]::Create($Text)
        $splat = @{ ScriptBlock = $block }
        if ($PSBoundParameters.ContainsKey('Arguments')) { $splat.ArgumentList = $Arguments }
        $local = (Capture 'Invoke-Command' $splat).Output
        $splat.Path = $Share
        $remote = (Capture 'Invoke-OutpostCommand' $splat).Output
        [pscustomobject]@{ Local = $local; Remote = $remote }
    }
}

AfterAll {
    if ($Responder) { $Responder | Stop-Job; $Responder | Remove-Job -Force }
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'Output as Invoke-Command gives it' -Skip:(-not $HasPs1) {
    It '<Name> gives the same objects' -TestCases $Blocks {
        param($Name, $Text)
        $r = Run $Text
        $r.Remote.Count | Should -Be $r.Local.Count
        (Shape $r.Remote) | Should -Be (Shape $r.Local)
    }

    It '-ArgumentList <Name> binds the same' -TestCases $ArgumentCases {
        param($Name, $Arguments)
        $r = Run 'param($a, $b) "a=[$a] b=[$b] args=$($args.Count) a-is-array=$($a -is [System.Collections.IList])"' -Arguments $Arguments
        (Shape $r.Remote) | Should -Be (Shape $r.Local)
    }

    It 'lets every object, $null included, go through a pipeline that calls methods on it' {
        $types = Invoke-OutpostCommand -Path $Share { $null; 1 } | ForEach-Object { if ($null -eq $_) { 'null' } else { $_.GetType().Name } }
        $types | Should -Be @('null', 'Int32')
        $all = Invoke-OutpostCommand -Path $Share { $null; 1 }
        $all.Count | Should -Be 2
        $null -eq $all[0] | Should -BeTrue
        $all[1] | Should -Be 1
    }
}

Describe '$using: in every form Start-Job accepts' -Skip:(-not $HasPs1) {
    It 'gives the values Start-Job gives' {
        $svc = 'Spooler'
        $ht = @{ k = 'v'; Inner = @{ Deep = 'deeper' } }
        $list = @('zero', 'one', 'two')
        $nothing = $null
        $block = {
            $using:svc
            "svc=$using:svc"
            @"
here: $using:svc
"@
            "len=$($using:svc.Length)"
            $using:ht.k
            $using:ht.Inner.Deep
            "in string: $using:ht.k"
            $using:list[1]
            $using:list[-1]
            $using:ht['k']
            ${using:svc}
            & { "nested=$using:svc" }
            ($using:list).Count
            $null -eq $using:nothing
            $using:SVC
        }
        $job = Start-Job -ScriptBlock $block
        $expected = @($job | Wait-Job -Timeout 120 | Receive-Job)
        $job | Remove-Job -Force
        $actual = @(Invoke-OutpostCommand -Path $Share $block)
        $expected.Count | Should -Be 15
        $actual.Count | Should -Be $expected.Count
        for ($n = 0; $n -lt $expected.Count; $n++) { "$n $($actual[$n])" | Should -Be "$n $($expected[$n])" }
        $actual[1] | Should -Be 'svc=Spooler'
        $actual[2] | Should -Be 'here: Spooler'
    }

    It 'refuses an unset variable before anything is sent, as Start-Job does' {
        Remove-Variable -Name neverSet -ErrorAction SilentlyContinue
        { Invoke-OutpostCommand -Path $Share { $using:neverSet } -ErrorAction Stop } |
            Should -Throw -ErrorId 'UsingVariableIsUndefined,Outpost.PowerShell.Commands.InvokeOutpostCommandCommand'
    }
}

Describe 'Exit codes' -Skip:(-not $HasPs1) {
    It 'reports exit N as an error with the code, $? false, as a failed native command is reported' {
        $pwsh = Join-Path $PSHOME $(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' })
        $native = $null
        $nativeOut = & {
            $PSNativeCommandUseErrorActionPreference = $true
            $ErrorActionPreference = 'Stop'
            try { & $pwsh -NoProfile -Command "'x'; exit 5" } catch { $script:native = $_ }
        }
        $out = Invoke-OutpostCommand -Path $Share { 'x'; exit 5 } -ErrorVariable err -ErrorAction SilentlyContinue
        $ok = $?
        $out | Should -Be $nativeOut
        $ok | Should -BeFalse
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RemoteExitedWithNonZeroCode,*'
        $err[0].Exception.ExitCode | Should -Be 5
        $err[0].Exception.ExitCode | Should -Be $script:native.Exception.ExitCode
    }

    It 'is quiet for exit 0 and for a native command''s exit code, as Invoke-Command is' {
        Invoke-OutpostCommand -Path $Share { 'x'; exit 0 } -ErrorVariable err | Should -Be 'x'
        $err.Count | Should -Be 0
        $native = if ($IsWindows) { { cmd /c exit 3; 'after' } } else { { sh -c 'exit 3'; 'after' } }
        Invoke-OutpostCommand -Path $Share $native -ErrorVariable err | Should -Be 'after'
        $err.Count | Should -Be 0
    }
}

Describe 'Error positions' -Skip:(-not $HasPs1) {
    It '<Name> points inside the block, where Invoke-Command points' -TestCases $Positions {
        param($Name, $Text)
        $block = [scriptblock]::Create($Text)
        $local = (Capture 'Invoke-Command' @{ ScriptBlock = $block }).Errors[0].InvocationInfo
        $remoteErr = (Capture 'Invoke-OutpostCommand' @{ Path = $Share; ScriptBlock = $block }).Errors[0]
        $remote = $remoteErr.InvocationInfo
        $remote.ScriptLineNumber | Should -Be $local.ScriptLineNumber
        $remote.OffsetInLine | Should -Be $local.OffsetInLine
        $remote.Line.TrimEnd() | Should -Be $local.Line.TrimEnd()
        $remote.PositionMessage | Should -Not -Match 'invoke\.ps1|__outpost'
        $remoteErr.ErrorDetails.RecommendedAction | Should -BeNullOrEmpty
    }

    It 'names the target the error came from' {
        Invoke-OutpostCommand -Path $Share { Get-Item -LiteralPath /no/such/outpost/path } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].OriginInfo.PSComputerName | Should -Not -BeNullOrEmpty
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
    }
}

Describe 'What a hostile share cannot make the cmdlet say' -Skip:(-not $HasPs1) {
    It 'sets OutpostTarget and PSComputerName itself over the object''s own' {
        $o = Invoke-OutpostCommand -Path $Share { [pscustomobject]@{ OutpostTarget = 'prod-db'; PSComputerName = 'prod-db'; Value = 1 } }
        $o.Value | Should -Be 1
        $o.OutpostTarget | Should -Not -Be 'prod-db'
        $o.PSComputerName | Should -Not -Be 'prod-db'
        $o.PSComputerName | Should -Be $o.OutpostTarget
    }

    It 'turns a frame with invalid XML into an error for that frame and goes on' {
        $out = Invoke-OutpostCommand -Path $Share {
            'before'
            [Console]::WriteLine($__outpostToken + ' output ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes('<Objs><not-closed')))
            'after'
        } -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -Be @('before', 'after')
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RemoteFrameInvalid,*'
    }
}

Describe 'Waiting when no responder is alive' -Skip:(-not $HasPs1) {
    BeforeAll {
        # A share whose responder ran and stopped: its heartbeats say so.
        $script:Stopped = Join-Path $TestDrive 'stopped'
        $r = Start-OutpostResponder -Path $Stopped -PollIntervalSec 0.1 -Name 'pester-stopped' -AsJob
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while (-not (Test-Path (Join-Path $Stopped 'inbox/1/status.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $r | Stop-Job
        $r | Remove-Job -Force
        $script:Never = Join-Path $TestDrive 'never'
        New-Item -ItemType Directory -Path $Never | Out-Null
    }

    It 'fails at once with NoLiveResponder when the heartbeats say the responder stopped, and withdraws the job' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        Invoke-OutpostCommand -Path $Stopped { 1 } -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $clock.Stop()
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NoLiveResponder,*'
        $err[0].Exception.Message | Should -Match 'Start-OutpostResponder'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 8
        @(Get-ChildItem (Join-Path $Stopped 'inbox/1') -Filter '*.ps1') | Should -BeNullOrEmpty
    }

    It 'fails after a grace period when no responder ever served the share' {
        Invoke-OutpostCommand -Path $Never { 1 } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NoLiveResponder,*'
        $err[0].Exception.Message | Should -Match 'no responder has written a heartbeat'
    }

    It 'is bounded by -WaitTimeoutSec and shows progress that says why it waits' {
        $job = Invoke-OutpostCommand -Path $Stopped { 1 } -WaitTimeoutSec 2 -AsJob
        $job | Wait-Job -Timeout 60 | Out-Null
        $child = $job.ChildJobs[0]
        $child.State | Should -Be 'Failed'
        $child.JobStateInfo.Reason.Message | Should -Match 'did not finish within 2 s'
        ($child.Progress.StatusDescription -join "`n") | Should -Match 'no live responder'
        $job | Remove-Job -Force
    }
}
