#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The Windows review's defects (issue 15) and the PowerShell-injection ones (issue 14) that can be shown
# with the module and a real responder here: every PowerShell quote character through a .ps1 job in real
# pwsh, secrets on one line, .ps1 text jobs with a BOM, and the service command line run for real.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:HasPwsh = [bool](Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-TestResponder -Share $Share

    # systemd's ExecStart splitting: double quotes, C escapes, %% and $$ undoubled.
    function Split-SystemdWords([string] $Line) {
        $words = [Collections.Generic.List[string]]::new()
        $word = [Text.StringBuilder]::new()
        $quoted = $false; $any = $false
        for ($i = 0; $i -lt $Line.Length; $i++) {
            $c = $Line[$i]
            if ($c -eq '\' -and $i + 1 -lt $Line.Length) {
                $i++
                $next = $Line[$i]
                [void]$word.Append($(switch -CaseSensitive ($next) { 'n' { "`n" } 't' { "`t" } default { $next } }))
                $any = $true; continue
            }
            if ($c -eq '"') { $quoted = -not $quoted; $any = $true; continue }
            if ($c -eq ' ' -and -not $quoted) {
                if ($any) { $words.Add($word.ToString()) }
                [void]$word.Clear(); $any = $false; continue
            }
            [void]$word.Append($c); $any = $true
        }
        if ($any) { $words.Add($word.ToString()) }
        $words | ForEach-Object { $_.Replace('%%', '%').Replace('$$', '$') }
    }
}

AfterAll {
    Stop-TestResponder $Responder
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'PowerShell quoting of -Environment and -WorkingDirectory' -Skip:(-not $HasPwsh) {
    It 'keeps a value ending its literal with <Name> inside the string' -ForEach @(
        @{ Name = "U+0027 '"; Quote = [char]0x27 }
        @{ Name = 'U+2018'; Quote = [char]0x2018 }
        @{ Name = 'U+2019'; Quote = [char]0x2019 }
        @{ Name = 'U+201A'; Quote = [char]0x201A }
        @{ Name = 'U+201B'; Quote = [char]0x201B }
    ) {
        $marker = Join-Path $TestDrive ("pwned-{0:x4}" -f [int]$Quote)
        $value = "main$Quote; Set-Content -LiteralPath '$marker' -Value pwned; $Quote"
        $folder = Join-Path $TestDrive ("dir $Quote; New-Item '$marker'; $Quote")
        New-Item -ItemType Directory -Path $folder | Out-Null
        $job = Submit-OutpostJob -Path $Share -ScriptBlock { [Console]::Out.Write($env:V + '|' + (Get-Location).ProviderPath) } `
            -Environment @{ V = $value } -WorkingDirectory $folder -Wait -TimeoutSec 60
        $job.Result.ExitCode | Should -Be 0 -Because ($job | Receive-OutpostJob -Stream Stderr | Out-String)
        $job | Receive-OutpostJob | Should -Be "$value|$folder"
        Test-Path -LiteralPath $marker | Should -BeFalse
    }
}

Describe 'Text encodings per interpreter' -Skip:(-not $HasPwsh) {
    It 'writes a -ScriptBlock job with a UTF-8 BOM and carries non-ASCII text through' {
        $job = Submit-OutpostJob -Path $Share -ScriptBlock { 'é – ü' } -Wait -TimeoutSec 60
        $job | Receive-OutpostJob | Should -Be 'é – ü'
        $archived = Get-ChildItem -LiteralPath (Join-Path $Share 'log') -Recurse -File | Where-Object Name -eq "$($job.Stem).ps1"
        $archived | Should -Not -BeNullOrEmpty
        $bytes = [IO.File]::ReadAllBytes($archived.FullName)
        $bytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
    }

    It 'passes a secret with line breaks whole and keeps it out of the archive' {
        $secret = ConvertTo-SecureString "first-line`nsecond-line`r`nthird" -AsPlainText -Force
        $job = Submit-OutpostJob -Path $Share -ScriptBlock { [Console]::Out.Write($env:S.Replace("`r", '<CR>').Replace("`n", '<LF>')) } `
            -Environment @{ S = $secret } -Wait -TimeoutSec 60
        $job | Receive-OutpostJob | Should -Be 'first-line<LF>second-line<CR><LF>third'
        $archived = Get-ChildItem -LiteralPath (Join-Path $Share 'log') -Recurse -File | Where-Object Name -eq "$($job.Stem).ps1"
        $text = [IO.File]::ReadAllText($archived.FullName)
        $text | Should -Not -Match 'first-line|second-line|third'
        $text | Should -Match 'outpost-secret'
    }

    It 'refuses an environment name with a trailing line break' {
        { Submit-OutpostJob -Path $Share -Command 'echo x' -Extension sh -Environment @{ "X`n" = 'v' } -ErrorAction Stop } |
            Should -Throw '*is not valid*'
    }
}

Describe 'Register-OutpostResponder under the PowerShell .NET tool' -Skip:(-not $IsLinux) {
    It 'writes an ExecStart line that starts a working responder' {
        if (Test-Path /run/systemd/system) { Set-ItResult -Skipped -Because 'this host runs systemd: registering would install a real unit'; return }
        $dotnet = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $dotnet) { Set-ItResult -Skipped -Because 'dotnet is not on PATH'; return }
        $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
        $serviceShare = Join-Path $TestDrive 'service-share'
        New-Item -ItemType Directory -Path $serviceShare | Out-Null
        # The repro: `dotnet pwsh` (the tool the repo restores), where the process's own path is dotnet.
        $probe = @'
param($Module, $Share)
Import-Module $Module
Register-OutpostResponder -Path $Share -ServiceName pester-svc -LaneCount 1 -PollIntervalSec 0.1 -Confirm:$false -ErrorVariable failure -ErrorAction SilentlyContinue
"host=" + [Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
$failure[0].TargetObject.Definition
'@
        $probeFile = Join-Path $TestDrive 'probe.ps1'
        Set-Content -LiteralPath $probeFile -Value $probe -Encoding utf8
        Push-Location $repo
        try { $output = & $dotnet.Source tool run pwsh -- -NoProfile -NonInteractive -File $probeFile -Module (Resolve-Path $script:ModulePath).ProviderPath -Share $serviceShare 2>&1 }
        finally { Pop-Location }
        $hostLine = $output | Where-Object { "$_" -like 'host=*' }
        "$hostLine" | Should -Match 'dotnet' -Because 'the registration must run where the process is dotnet (the reported defect)'
        $execStart = $output | Where-Object { "$_" -like 'ExecStart=*' } | Select-Object -First 1
        $execStart | Should -Not -BeNullOrEmpty -Because ($output | Out-String)
        $workDir = ($output | Where-Object { "$_" -like 'WorkingDirectory=*' } | Select-Object -First 1) -replace '^WorkingDirectory=', '' -replace '%%', '%'
        $words = @(Split-SystemdWords ("$execStart".Substring('ExecStart='.Length)))
        [IO.Path]::GetFileName($words[0]) | Should -BeIn @('pwsh', 'pwsh.exe', 'powershell.exe')

        $start = [Diagnostics.ProcessStartInfo]::new($words[0])
        foreach ($word in $words[1..($words.Count - 1)]) { $start.ArgumentList.Add($word) }
        $start.WorkingDirectory = $workDir
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $service = [Diagnostics.Process]::Start($start)
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path (Join-Path $serviceShare 'inbox/dispatch.txt')) -and -not $service.HasExited -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $service.HasExited | Should -BeFalse -Because $(if ($service.HasExited) { $service.StandardError.ReadToEnd() })
            $job = Submit-OutpostJob -Path $serviceShare -Command 'echo from-the-service' -Extension sh -Wait -TimeoutSec 60
            $job | Receive-OutpostJob | Should -Be 'from-the-service'
        }
        finally {
            Stop-OutpostResponder -Path $serviceShare -Confirm:$false -ErrorAction SilentlyContinue
            if (-not $service.WaitForExit(30000)) { $service.Kill($true) }
            $service.Dispose()
        }
    }
}

# These run only on a Windows host (this repo's CI machine is Linux, so they are unproven there).
Describe 'On a Windows host' {
    BeforeEach {
        if (-not ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop')) { Set-ItResult -Skipped -Because 'it needs Windows (cmd code pages and Task Scheduler)' }
    }

    It 'runs a cmd job with non-ASCII environment values and output in UTF-8' {
        $job = Submit-OutpostJob -Path $Share -Command '@echo %V%' -Extension cmd -Environment @{ V = 'café – ü' } -Wait -TimeoutSec 60
        $job.Result.ExitCode | Should -Be 0 -Because ($job | Receive-OutpostJob -Stream Stderr | Out-String)
        $job | Receive-OutpostJob | Should -Be 'café – ü'
    }

    It 'registers a CurrentUser task with Task Scheduler, lists it and removes it' {
        $serviceShare = Join-Path $TestDrive 'task-share'
        New-Item -ItemType Directory -Path $serviceShare | Out-Null
        $registration = Register-OutpostResponder -Path $serviceShare -ServiceName pester-win -Confirm:$false -ErrorAction Stop
        try {
            $registration.Manager | Should -Be 'TaskScheduler'
            $registration.Definition | Should -Match '<LogonTrigger>'
            $registration.Definition | Should -Match '<UserId>S-1-'
            (Get-OutpostResponderRegistration | Where-Object Name -eq 'outpost-pester-win') | Should -Not -BeNullOrEmpty
        }
        finally {
            Unregister-OutpostResponder -Name outpost-pester-win -Confirm:$false -ErrorAction Continue
        }
        (Get-OutpostResponderRegistration | Where-Object Name -eq 'outpost-pester-win') | Should -BeNullOrEmpty
    }
}
