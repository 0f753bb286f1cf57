#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Sessions as a user drives them: New-OutpostSession, Invoke-OutpostCommand -Session keeping state,
# Enter-OutpostSession fed scripted input in a child pwsh, and a session broken by a responder restart.

BeforeAll {
    $script:ModulePath = (Resolve-Path (Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1')).Path
    Import-Module $ModulePath -Force
    function script:Start-TestResponder([string] $Share) {
        $job = Start-OutpostResponder -Path $Share -PollIntervalSec 0.1 -Name 'pester-sessions' -AsJob
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        while (-not (Test-Path (Join-Path $Share 'inbox/dispatch.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $job
    }
    function script:Stop-TestResponder($Job) {
        $Job | Stop-Job
        $Job | Remove-Job -Force
    }
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-TestResponder $Share
}

AfterAll {
    Get-OutpostSession | Remove-OutpostSession -Confirm:$false -ErrorAction SilentlyContinue
    if ($Responder) { Stop-TestResponder $Responder }
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'New-OutpostSession and Invoke-OutpostCommand -Session' {
    It 'keeps variables, functions and location between calls' {
        $s = New-OutpostSession -Path $Share -Name 'state'
        $s | Should -BeOfType 'Outpost.Core.Sessions.OutpostSession'
        $s.State | Should -Be 'Opened'
        $s.Stateless | Should -BeFalse
        Invoke-OutpostCommand -Session $s { $answer = 41; function Get-Next { $answer + 1 }; Set-Location ([IO.Path]::GetTempPath()) } | Should -BeNullOrEmpty
        $out = Invoke-OutpostCommand -Session $s { [pscustomobject]@{ Next = Get-Next; Answer = $answer; Where = $PWD.Path; Pid = $PID } }
        $out.Next | Should -Be 42
        $out.Answer | Should -Be 41
        $out.Where.TrimEnd('/') | Should -Be ([IO.Path]::GetTempPath().TrimEnd('/'))
        $again = Invoke-OutpostCommand -Session $s { $PID }
        $again | Should -Be $out.Pid
        $out.OutpostTarget | Should -Not -BeNullOrEmpty
    }

    It 'takes sessions from the pipeline and lists them with Get-OutpostSession' {
        $s = New-OutpostSession -Path $Share -Name 'piped'
        Get-OutpostSession -Name 'piped' | Should -Be $s
        ($s | Invoke-OutpostCommand { 6 * 7 }) | Should -Be 42
        Get-OutpostSession -Name 'pip*' | Remove-OutpostSession -Confirm:$false
        Get-OutpostSession -Name 'piped' | Should -BeNullOrEmpty
        $s.State | Should -Be 'Closed'
        { Invoke-OutpostCommand -Session $s { 1 } -ErrorAction Stop } | Should -Throw -ErrorId 'OutpostSessionClosed*'
    }

    It 'reports remote errors and keeps the session usable' {
        $s = New-OutpostSession -Path $Share
        $errs = $null
        Invoke-OutpostCommand -Session $s { $kept = 'yes'; Write-Error 'remote trouble' } -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].Exception.Message | Should -Be 'remote trouble'
        Invoke-OutpostCommand -Session $s { $kept } | Should -Be 'yes'
    }

    It 'ends the session when a command times out, and says so' {
        $s = New-OutpostSession -Path $Share
        $errs = $null
        Invoke-OutpostCommand -Session $s { Start-Sleep 30 } -TimeoutSec 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        ($errs | ForEach-Object { $_.FullyQualifiedErrorId }) -join ',' | Should -Match 'JobTimedOut'
        $s.State | Should -Be 'Broken'
        { Invoke-OutpostCommand -Session $s { 1 } -ErrorAction Stop } | Should -Throw -ErrorId 'OutpostSessionBroken*'
    }
}

Describe 'Enter-OutpostSession' {
    It 'runs scripted lines in the session with the prompt and local formatting, and leaves on exit' {
        $script = Join-Path $TestDrive 'enter.ps1'
        @"
Import-Module '$ModulePath'
`$s = New-OutpostSession -Path '$Share' -Name 'interactive'
Enter-OutpostSession `$s
'after the prompt'
"@ | Set-Content -Path $script
        $input = Join-Path $TestDrive 'input.txt'
        @(
            '$n = 6 * 7'
            'Set-Location /'
            '[pscustomobject]@{ Name = "answer"; Value = $n }'
            'foreach ($i in 1..2) {'
            '"line $i"'
            '}'
            'exit'
            'never run'
        ) | Set-Content -Path $input
        $pwsh = (Get-Process -Id $PID).Path
        $out = Get-Content $input | & $pwsh -NoProfile -File $script 2>&1 | Out-String
        $out | Should -Match '\[[^\]]+\]: PS [^>]+> '
        $out | Should -Match '\]: PS /> '
        $out | Should -Match 'Name\s+Value'
        $out | Should -Match 'answer\s+42'
        $out | Should -Match 'line 1'
        $out | Should -Match 'line 2'
        $out | Should -Match 'after the prompt'
        $out | Should -Not -Match 'never run\r?\n.*never run'
    }
}

Describe 'A session after its responder restarts' {
    It 'is reported broken with a clear error, not replaced' {
        $share2 = Join-Path $TestDrive 'restart-share'
        $first = Start-TestResponder $share2
        $s = New-OutpostSession -Path $share2
        Invoke-OutpostCommand -Session $s { $before = 'restart' }
        Stop-TestResponder $first
        $second = Start-TestResponder $share2
        try {
            $errs = $null
            Invoke-OutpostCommand -Session $s { $before } -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $errs[0].FullyQualifiedErrorId | Should -Match 'OutpostSessionBroken'
            $errs[0].Exception.Message | Should -Match 'no such session'
            $s.State | Should -Be 'Broken'
            (Get-OutpostSession -State Broken) | Should -Contain $s
        }
        finally {
            Stop-TestResponder $second
        }
    }
}
