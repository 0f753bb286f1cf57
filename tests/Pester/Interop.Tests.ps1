#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The module against the original Go outpost as a live responder: the peer is the binary named by
# OUTPOST_GO_PEER (or /opt/go-outpost/bin/outpost), local tooling that is not part of the repo; where
# there is none, or no pwsh for the peer to run .ps1 jobs with, these tests skip with the reason.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
    $script:Peer = if ($env:OUTPOST_GO_PEER) { $env:OUTPOST_GO_PEER } else { '/opt/go-outpost/bin/outpost' }
    $script:SkipReason = if (-not (Test-Path -LiteralPath $Peer)) { "no Go outpost peer at $Peer (set OUTPOST_GO_PEER)" }
    elseif (-not (Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue)) { 'no pwsh on PATH for the Go responder to run .ps1 jobs with' }
    if (-not $SkipReason) {
        $script:Share = Join-Path $TestDrive 'go-share'
        $start = [Diagnostics.ProcessStartInfo]::new($Peer)
        foreach ($word in 'run', '--dir', $Share, '--lanes', '1', '--name', 'go-peer', '--poll', '200ms') { $start.ArgumentList.Add($word) }
        $start.Environment['XDG_CONFIG_HOME'] = Join-Path $TestDrive 'config' # never the user's real configuration
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $script:GoResponder = [Diagnostics.Process]::Start($start)
        $deadline = [datetime]::UtcNow.AddSeconds(30)
        while (-not (Test-Path (Join-Path $Share 'inbox/dispatch.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
    }
}

AfterAll {
    Get-OutpostSession | Remove-OutpostSession -Confirm:$false -ErrorAction SilentlyContinue
    if ($GoResponder) {
        Set-Content -LiteralPath (Join-Path $Share 'STOP') -Value ''
        if (-not $GoResponder.WaitForExit(20000)) { $GoResponder.Kill($true) }
        $GoResponder.Dispose()
    }
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'Sessions against the original Go responder' {
    BeforeEach {
        if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason }
    }

    It 'runs session commands statelessly, with one warning that says so' {
        $s = New-OutpostSession -Path $Share -Name 'go' -WarningVariable opened -WarningAction SilentlyContinue
        $s.Stateless | Should -BeTrue
        "$opened" | Should -Match 'does not advertise session support'
        Invoke-OutpostCommand -Session $s { $kept = 41; 'set' } -WarningVariable first -WarningAction SilentlyContinue | Should -Be 'set'
        $second = Invoke-OutpostCommand -Session $s { "kept=$kept" } -WarningVariable again -WarningAction SilentlyContinue
        $second | Should -Be 'kept=' -Because 'a v1 responder runs each command in a fresh process'
        @($opened) + @($first) + @($again) | Where-Object { "$_" -match 'does not advertise' } | Should -HaveCount 1
    }

    It 'runs Invoke-OutpostCommand and returns live objects' {
        $out = Invoke-OutpostCommand -Path $Share { [pscustomobject]@{ Answer = 6 * 7 } }
        $out.Answer | Should -Be 42
        $out.PSComputerName | Should -Not -BeNullOrEmpty
    }
}
