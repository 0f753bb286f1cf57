#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# A hostile share, driven through the module as a user would: someone with write access to the share (and
# no key) plants links, FIFOs and forged results. Issue 14, items 4, 5, 6 and 8, through the cmdlets.

BeforeDiscovery {
    # Links and FIFOs are planted with POSIX tools; on Windows these attacks are covered by the xunit suite's logic tests.
    $script:NoPosix = $IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop'
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1') -Force
    $script:SavedTargets = $env:OUTPOST_TARGETS
    $env:OUTPOST_TARGETS = Join-Path $TestDrive 'targets.toml'

    # The responder signs its results; the registry pins its public key.
    $keys = Join-Path $TestDrive 'keys'
    $script:ResponderKey = New-OutpostKey -Name responder -Folder $keys
    $config = Join-Path $TestDrive 'outpost.toml'
    Set-Content -Path $config -Value "[trust]`nresult_key = '$($ResponderKey.Path)'`n"
    $script:Share = Join-Path $TestDrive 'share'
    $public = (Get-Content -Path $ResponderKey.PublicKeyPath -Raw).Trim()
    Set-Content -Path $env:OUTPOST_TARGETS -Value "[target.pinned]`ntransport = 'file'`npath = '$Share'`nresponder_key = '$public'`n"
    $script:Responder = Start-OutpostResponder -Path $Share -ConfigPath $config -PollIntervalSec 0.1 -Name 'hostile-pester' -AsJob
    $deadline = [datetime]::UtcNow.AddSeconds(20)
    while (-not (Test-Path (Join-Path $Share 'inbox/dispatch.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }

    function script:New-Fifo([string] $Path) { & mkfifo $Path; if ($LASTEXITCODE -ne 0) { throw "mkfifo $Path failed" } }
    function script:Plant-Result([string] $Stem, [string] $Ext, [string] $Stdout) {
        $outbox = Join-Path $Share 'outbox/1'
        Set-Content -Path (Join-Path $outbox "$Stem.stdout") -Value $Stdout -NoNewline
        Set-Content -Path (Join-Path $outbox "$Stem.stderr") -Value '' -NoNewline
        $result = "stem=$Stem`nlane=1`next=$Ext`nlabel=sh`nexit=0`ntimeout=0`ncancelled=0`nstarted=`nfinished=`nstdout_bytes=0`nstderr_bytes=0`nstdout_truncated=0`nstderr_truncated=0`n"
        Set-Content -Path (Join-Path $outbox "$Stem.result") -Value $result -NoNewline
    }
}

AfterAll {
    if ($Responder) { $Responder | Stop-Job; $Responder | Remove-Job -Force }
    $env:OUTPOST_TARGETS = $SavedTargets
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'A pinned responder key' {
    It 'accepts the results the responder signed' {
        Submit-OutpostJob -Target pinned -Command 'echo signed-result' -Extension sh | Wait-OutpostJob -Timeout 30 | Receive-OutpostJob |
            Should -Be 'signed-result'
        Test-Path (Join-Path $Share 'outbox/1/*.result.sig') | Should -BeTrue
    }

    It 'rejects a forged result as an error (item 6)' {
        Suspend-OutpostResponder -Target pinned -Confirm:$false
        try {
            $job = Submit-OutpostJob -Target pinned -Command 'echo real; exit 7' -Extension sh
            Plant-Result -Stem $job.Stem -Ext 'sh' -Stdout 'all tests passed'
            $err = $null
            $job | Wait-OutpostJob -Timeout 10 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ResultRejected,*'
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        }
        finally { Resume-OutpostResponder -Target pinned -Confirm:$false }
        # The responder ignores the planted result and runs the job; the real, signed result then passes.
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        while (-not (Test-Path (Join-Path $Share "log/1/$($job.Stem).sh")) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        $done = $job | Wait-OutpostJob -Timeout 10
        $done.Result.ExitCode | Should -Be 7
        $done | Receive-OutpostJob | Should -Be 'real'
    }
}

Describe 'Names and links from the share' -Skip:$NoPosix {
    It 'never deletes a local file named by a planted result (item 4)' {
        $victim = Join-Path $TestDrive 'precious.txt'
        Set-Content -Path $victim -Value 'precious'
        Set-Content -Path "$victim.sig" -Value 'precious'
        $stem = (Get-Date).ToUniversalTime().AddMinutes(-5).ToString('yyyyMMdd_HHmmss_ffffff') + '-planted'
        Plant-Result -Stem $stem -Ext ("x/../../../../../../../../.." + $victim) -Stdout 'x'
        Get-OutpostJob -Path $Share | Remove-OutpostJob -Force -Confirm:$false -ErrorAction SilentlyContinue
        Test-Path $victim | Should -BeTrue
        Test-Path "$victim.sig" | Should -BeTrue
    }

    It 'does not print a local file through a .stdout planted as a link (item 5)' {
        $secret = Join-Path $TestDrive 'id_rsa'
        Set-Content -Path $secret -Value 'PRIVATE KEY'
        $job = Submit-OutpostJob -Path $Share -Command 'echo mine' -Extension sh -Wait
        $stdout = Join-Path $Share "outbox/1/$($job.Stem).stdout"
        Remove-Item $stdout
        New-Item -ItemType SymbolicLink -Path $stdout -Target $secret | Out-Null
        $err = $null
        $out = $job | Receive-OutpostJob -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -Not -Contain 'PRIVATE KEY'
        # OutputRefused on its own; ResultRejected here, where the share's responder key is pinned and the output no longer verifies.
        $err[0].FullyQualifiedErrorId | Should -Match '^(OutputRefused|ResultRejected),'
    }
}

Describe 'FIFOs in the share' -Skip:$NoPosix {
    It 'does not hang Submit-OutpostJob on a FIFO planted as dispatch.txt (item 8)' {
        $other = Join-Path $TestDrive 'fifo-share'
        New-Item -ItemType Directory -Path (Join-Path $other 'inbox/1') -Force | Out-Null
        New-Fifo (Join-Path $other 'inbox/dispatch.txt')
        $ps = [powershell]::Create()
        $module = Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1'
        $null = $ps.AddScript("Import-Module '$module'; Submit-OutpostJob -Path '$other' -Command 'echo x' -Extension sh")
        $async = $ps.BeginInvoke()
        $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(15)) | Should -BeTrue
        $job = $ps.EndInvoke($async)
        $job.Stem | Should -Not -BeNullOrEmpty
        (Get-OutpostStatus -Path $other).Error | Should -Match 'FIFO'
        $ps.Dispose()
    }

    It 'refuses a FIFO planted as a job and keeps serving' {
        $stem = (Get-Date).ToUniversalTime().AddMinutes(-1).ToString('yyyyMMdd_HHmmss_ffffff') + '-fifo'
        New-Fifo (Join-Path $Share "inbox/1/$stem.sh")
        Submit-OutpostJob -Path $Share -Command 'echo still-serving' -Extension sh | Wait-OutpostJob -Timeout 30 | Receive-OutpostJob |
            Should -Be 'still-serving'
        Get-Content -Path (Join-Path $Share 'outpost.log') -Raw | Should -Match ([regex]::Escape("$stem.sh") + ': a FIFO, socket or device')
        Get-OutpostJob -Path $Share | Where-Object Stem -eq $stem | Should -BeNullOrEmpty
    }
}
