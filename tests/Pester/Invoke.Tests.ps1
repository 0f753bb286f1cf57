#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Invoke-OutpostCommand as a user drives it: script blocks run by a real responder on $TestDrive, objects
# and streams back, arguments, errors, timeouts and -AsJob.

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

Describe 'Invoke-OutpostCommand' {
    BeforeEach {
        # The wrapper is a .ps1 job: the responder serves ps1 only when pwsh (or powershell) is on PATH.
        if (-not (Get-Command pwsh, powershell -CommandType Application -ErrorAction SilentlyContinue)) {
            Set-ItResult -Skipped -Because 'neither pwsh nor powershell is on PATH, so the responder cannot run .ps1 jobs'
        }
    }

    It 'round-trips objects with their properties and an OutpostTarget note' {
        $result = Invoke-OutpostCommand -Path $Share {
            [pscustomobject]@{ Name = 'a'; When = [datetime]'2026-01-02T03:04:05Z'; Nested = @{ Inner = @(1, 2, 3) } }
        } -Depth 3
        $result.Name | Should -Be 'a'
        $result.When | Should -BeOfType [datetime]
        $result.Nested.Inner | Should -Be @(1, 2, 3)
        $result.OutpostTarget | Should -Not -BeNullOrEmpty
    }

    It 'sends each stream to the matching local stream' {
        $out = Invoke-OutpostCommand -Path $Share {
            Write-Output 'out'; Write-Warning 'warn'; Write-Verbose 'verb'; Write-Error 'bad thing'; Write-Information 'info'
        } -WarningVariable w -ErrorVariable e -InformationVariable i -Verbose -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -InformationAction SilentlyContinue 4>&1
        ($out | Where-Object { $_ -is [string] -or $_.BaseObject -is [string] }) | Should -Contain 'out'
        ($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Contain 'verb'
        $w[0].Message | Should -Be 'warn'
        $e[0].Exception.Message | Should -Be 'bad thing'
        $i[0].MessageData | Should -Be 'info'
    }

    It 'passes -ArgumentList and $using: values' {
        $factor = 10
        Invoke-OutpostCommand -Path $Share -ArgumentList 4 { param($n) $n * $using:factor } | Should -Be 40
    }

    It 'turns a throwing script block into a terminating error with the remote message' {
        { Invoke-OutpostCommand -Path $Share { throw 'remote boom' } -ErrorAction Stop } | Should -Throw '*remote boom*'
    }

    It 'reports a timeout as JobTimedOut' {
        $err = $null
        Invoke-OutpostCommand -Path $Share { Start-Sleep 30 } -TimeoutSec 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'JobTimedOut,*'
    }

    It 'keeps stray stdout text as strings' {
        $out = Invoke-OutpostCommand -Path $Share { [Console]::WriteLine('raw line'); 'object' }
        $out | Should -Contain 'raw line'
        $out | Should -Contain 'object'
    }

    It 'delivers output before a slow script block finishes' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $first = Invoke-OutpostCommand -Path $Share { 'early'; Start-Sleep 5; 'late' } | Select-Object -First 1
        $clock.Stop()
        $first | Should -Be 'early'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 4.5
    }

    It 'works with -AsJob and Receive-Job' {
        $job = Invoke-OutpostCommand -Path $Share { 1..3 } -AsJob
        $job | Wait-Job -Timeout 60 | Receive-Job | Should -Be @(1, 2, 3)
        $job | Remove-Job
    }
}
