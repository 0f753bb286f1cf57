#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# What a first-time user tripped over (issue 20, items 5-13), driven the way they drove it: a real
# responder job on $TestDrive, real jobs, real child pwsh sessions where the host's own output matters.

BeforeAll {
    $script:ModulePath = (Resolve-Path (Join-Path $PSScriptRoot '../../out/Outpost/Outpost.psd1')).ProviderPath
    Import-Module $ModulePath -Force
    $script:Pwsh = (Get-Process -Id $PID).Path
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-OutpostResponder -Path $Share -PollIntervalSec 0.1 -Name 'first-run' -AsJob

    # Runs a script in a fresh pwsh with the module imported; returns everything its host printed.
    function script:Invoke-ChildPwsh([string] $Script, [hashtable] $Environment = @{}) {
        $saved = @{}
        foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
        try {
            $text = & $Pwsh -NoProfile -NonInteractive -Command "Import-Module '$ModulePath'; $Script" 2>&1 | Out-String
            [pscustomobject]@{ Text = $text; Exit = $LASTEXITCODE }
        }
        finally {
            foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
        }
    }
}

AfterAll {
    if ($Responder) { $Responder | Stop-Job; $Responder | Remove-Job -Force }
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'Submitting an extension the target does not run (item 5)' {
    It 'refuses -Extension rb with the list the target advertises, and queues nothing' {
        $before = @(Get-OutpostJob -Path $Share).Count
        $err = $null
        Submit-OutpostJob -Path $Share -Command 'puts 1' -Extension rb -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ExtensionNotServed*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match '\.rb'
        $err[0].Exception.Message | Should -Match '\.sh'
        @(Get-OutpostJob -Path $Share).Count | Should -Be $before
    }

    It 'refuses a .txt file' {
        $file = Join-Path $TestDrive 'notes.txt'
        Set-Content -Path $file -Value 'hello'
        $err = $null
        Get-Item $file | Submit-OutpostJob -Path $Share -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ExtensionNotServed*'
    }

    It 'queues with a warning when no responder has advertised yet' {
        $bare = Join-Path $TestDrive 'bare-share'
        New-Item -ItemType Directory -Path (Join-Path $bare 'inbox') -Force | Out-Null
        $warnings = $null
        $job = Submit-OutpostJob -Path $bare -Command 'puts 1' -Extension rb -WarningVariable warnings -WarningAction SilentlyContinue
        $job.State | Should -Be 'Queued'
        $warnings[0].Message | Should -Match 'could not be checked'
    }
}

Describe 'Receive-OutpostJob shows stderr (item 6)' {
    It 'gives stdout as output and stderr as error records by default' {
        $job = Submit-OutpostJob -Path $Share -Command 'echo doing; ls /nope-outpost; exit 1' -Extension sh -Wait
        $err = $null
        $out = $job | Receive-OutpostJob -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -Be 'doing'
        $err.Count | Should -BeGreaterThan 0
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OutpostJobStderr*'
        $err[0].Exception.Message | Should -Match 'nope-outpost'
    }

    It 'gives stdout only with -Stream Stdout' {
        $job = Submit-OutpostJob -Path $Share -Command 'echo doing; echo oops >&2' -Extension sh -Wait
        $err = $null
        $job | Receive-OutpostJob -Stream Stdout -ErrorVariable err | Should -Be 'doing'
        $err.Count | Should -Be 0
    }
}

Describe 'One error, the right category (item 7)' {
    It 'a second responder on a live share fails once and says why' {
        $second = Start-OutpostResponder -Path $Share -PollIntervalSec 0.1 -AsJob
        try {
            $second | Wait-Job -Timeout 20 | Out-Null
            $second.State | Should -Be 'Failed'
            $second.StatusMessage | Should -Match 'share in use'
            $second.JobStateInfo.Reason.ErrorId | Should -Be 'ShareInUse'
            $second.JobStateInfo.Reason.Kind | Should -Be 'ResourceBusy'
            $errors = @($second | Receive-Job -ErrorAction SilentlyContinue -ErrorVariable err -WarningAction SilentlyContinue)
            $err.Count | Should -Be 1
            $err[0].Exception.ErrorId | Should -Be 'ShareInUse'
            $errors | Where-Object { $_.Message -match 'another responder' } | Should -BeNullOrEmpty
        }
        finally { $second | Remove-Job -Force }
        $Responder.State | Should -Be 'Running'
    }

    It 'a -Path that cannot exist gives one ShareUnavailable record in the foreground' {
        $err = $null
        Start-OutpostResponder -Path (Join-Path $TestDrive 'no/such/share') -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ShareUnavailable*'
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}

Describe 'Add-OutpostTarget names and paths (item 8)' {
    BeforeAll { $script:Registry = Join-Path $TestDrive 'targets.toml' }

    It 'refuses UX_VM with a validation error that says what names are allowed' {
        $e = { Add-OutpostTarget -Name UX_VM -Path $Share -RegistryPath $Registry } | Should -Throw -PassThru
        $e.Exception | Should -BeOfType System.Management.Automation.ParameterBindingException
        $e.Exception.Message | Should -Match 'lower-case a-z'
        $e.Exception.Message | Should -Match 'ux_vm'
        $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*'
    }

    It 'registers a path that does not exist, with a warning' {
        $missing = Join-Path $TestDrive 'not-mounted'
        $warnings = $null
        $entry = Add-OutpostTarget -Name later -Path $missing -RegistryPath $Registry -WarningVariable warnings -WarningAction SilentlyContinue
        $entry.Name | Should -Be 'later'
        $warnings[0].Message | Should -Match 'does not exist'
    }
}

Describe 'Initialize-OutpostTarget and the doctor (items 9, 13)' {
    It 'names the folder after -Name, and Test-OutpostTarget keeps -ConfigPath in its fix' {
        $root = Join-Path $TestDrive 'targets'
        $plan = Initialize-OutpostTarget -Root $root -Name ux-vm
        $plan.Id | Should -Be 'ux-vm'
        Test-Path (Join-Path $root 'ux-vm/outpost.toml') | Should -BeTrue
        $finding = Test-OutpostTarget -Path $plan.Path -TimeoutSec 1 | Where-Object { $_.Check -eq 'responder' -and $_.Level -eq 'Error' }
        $finding.Suggestion | Should -Match ([regex]::Escape("-ConfigPath '$($plan.ConfigPath)'"))
    }

    It 'prints a short description for -WhatIf and -Verbose, not the TOML' {
        $root = Join-Path $TestDrive 'targets-whatif'
        $run = Invoke-ChildPwsh "Initialize-OutpostTarget -Root '$root' -Name ux-vm -WhatIf -Verbose"
        $run.Text | Should -Match 'What if:'
        $run.Text | Should -Match 'responder "ux-vm"'
        $run.Text | Should -Not -Match '\[dispatch'
        $run.Text | Should -Not -Match 'lane_count'
        Test-Path (Join-Path $root 'ux-vm') | Should -BeFalse
    }

    It 'names a responder job after the share, not outpost:share' {
        $Responder.Name | Should -Not -Be 'outpost:share'
        $Responder.Name | Should -Be (Resolve-Path $Share).ProviderPath
    }
}

Describe 'Stop-OutpostResponder (item 10)' {
    It 'stops without asking, as Stop-Service does (ConfirmImpact Medium)' {
        $share2 = Join-Path $TestDrive 'share-stop'
        $run = Invoke-ChildPwsh @"
`$j = Start-OutpostResponder -Path '$share2' -PollIntervalSec 0.1 -AsJob
Stop-OutpostResponder -Path '$share2'
`$j | Wait-Job -Timeout 30 | Out-Null
'state=' + `$j.State + ' status=' + `$j.StatusMessage
"@
        $run.Text | Should -Match 'state=Completed status=stopped \(STOP sentinel\)'
    }
}

Describe 'Leaving pwsh with a responder job running (item 11)' {
    It 'stops the responder: no share claim and no temp folder are left behind' {
        $share3 = Join-Path $TestDrive 'share-exit'
        $tmp = Join-Path $TestDrive 'tmp-exit'
        New-Item -ItemType Directory -Path $tmp | Out-Null
        $run = Invoke-ChildPwsh -Environment @{ TMPDIR = $tmp; TEMP = $tmp; TMP = $tmp } @"
`$j = Start-OutpostResponder -Path '$share3' -PollIntervalSec 0.1 -AsJob
if (-not (Test-Path '$share3/inbox/responder.claim')) { 'no claim while serving' }
'serving=' + `$j.StatusMessage
exit 0
"@
        $run.Text | Should -Match 'serving=serving'
        $run.Text | Should -Not -Match 'no claim'
        Test-Path (Join-Path $share3 'inbox/responder.claim') | Should -BeFalse
        @(Get-ChildItem -Path $tmp -Filter 'outpost-*' -Force) | Should -BeNullOrEmpty
        (Get-Content (Join-Path $share3 'outpost.log') -Raw) | Should -Match 'responder stopped'
    }
}

Describe 'A cancel while no responder runs (item 12)' {
    It 'shows as a pending cancel in Get-OutpostJob and its default view' {
        $idle = Join-Path $TestDrive 'idle-share'
        New-Item -ItemType Directory -Path (Join-Path $idle 'inbox') -Force | Out-Null
        $job = Submit-OutpostJob -Path $idle -Command 'echo never' -Extension sh -WarningAction SilentlyContinue
        $warnings = $null
        $job | Stop-OutpostJob -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0].Message | Should -Match 'pending'
        $listed = Get-OutpostJob -Path $idle -Stem $job.Stem
        $listed.State | Should -Be 'Queued'
        $listed.CancelPending | Should -BeTrue
        ($listed | Format-Table | Out-String) | Should -Match 'Queued, cancel pending'
    }
}

Describe 'Job2 practice (issue 19)' {
    BeforeDiscovery { $script:HasPs1 = [bool](Get-Command pwsh, powershell -CommandType Application -ErrorAction SilentlyContinue) }

    It 'HasMoreData counts every stream a job writes, not only output, errors and warnings' -Skip:(-not $HasPs1) {
        $job = Invoke-OutpostCommand -Path $Share -ScriptBlock { Write-Information 'note'; Write-Verbose 'detail' -Verbose } -AsJob
        $job | Wait-Job -Timeout 60 | Out-Null
        $job.State | Should -Be 'Completed'
        $job.Output.Count + $job.Error.Count + $job.Warning.Count | Should -Be 0
        $job.HasMoreData | Should -BeTrue
        $job | Receive-Job -InformationAction SilentlyContinue -Verbose:$false 4>$null 6>$null | Out-Null
        $job.HasMoreData | Should -BeFalse
        $job | Remove-Job
    }

    It 'a failed submit job carries its reason in JobStateInfo.Reason and says it once' {
        $job = Submit-OutpostJob -Path $Share -Command 'exit 3' -Extension sh -AsJob
        $job | Wait-Job -Timeout 30 | Out-Null
        $job.State | Should -Be 'Failed'
        $job.JobStateInfo.Reason.ErrorId | Should -Be 'JobFailed'
        $job | Receive-Job -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        @($err | Where-Object { $_.Exception.ErrorId -eq 'JobFailed' }).Count | Should -Be 1
        $job.HasMoreData | Should -BeFalse
        $job | Remove-Job
    }
}
