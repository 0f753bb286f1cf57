#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Files with jobs, as a user drives them against real responders on $TestDrive: -Attachment out,
# -Collect back through Receive-OutpostJob -Artifact and Invoke-OutpostCommand -CollectTo (one target
# and several), non-ASCII names, and the errors a user sees (a missing path, a v1 responder, a file
# already there, a session).

BeforeDiscovery {
    # Invoke-OutpostCommand sends .ps1 jobs: the responder needs a PowerShell on its PATH.
    $script:HasPs1 = [bool](Get-Command pwsh, powershell -CommandType Application -ErrorAction SilentlyContinue)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-TestResponder -Share $Share -Name 'pester-files'
    $script:ShareB = Join-Path $TestDrive 'share-b'
    $script:ResponderB = Start-TestResponder -Share $ShareB -Name 'pester-files-b' -LaneCount 1
    $script:SavedTargets = $env:OUTPOST_TARGETS
    $env:OUTPOST_TARGETS = Join-Path $TestDrive 'targets.toml'
    Add-OutpostTarget -Name files-a -Path $Share
    Add-OutpostTarget -Name files-b -Path $ShareB

    # What a job gets: a folder with a subfolder, an empty folder and non-ASCII names, and two single files.
    $script:Src = Join-Path $TestDrive 'src'
    New-Item -ItemType Directory -Path (Join-Path $Src 'sub/empty') -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $Src 'a.txt') -Value 'alpha' -NoNewline
    Set-Content -LiteralPath (Join-Path $Src 'sub/Grüße ñ.txt') -Value 'beta' -NoNewline
    $script:Cfg = Join-Path $TestDrive 'cfg'
    New-Item -ItemType Directory -Path $Cfg -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $Cfg 'one.cfg') -Value 'one=1' -NoNewline
    Set-Content -LiteralPath (Join-Path $Cfg 'two.cfg') -Value 'two=2' -NoNewline
    Set-Content -LiteralPath (Join-Path $Cfg 'skip.txt') -Value 'not a cfg' -NoNewline

    # A share whose "responder" is a v1 peer (the Go outpost): it advertises, but not outpost_features=files.
    $script:V1Share = Join-Path $TestDrive 'v1-share'
    New-Item -ItemType Directory -Path (Join-Path $V1Share 'inbox') -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $V1Share 'inbox/dispatch.txt') -Value "protocol_version=1`nlane_count=1`ndispatch.sh=/bin/sh`ndispatch.ps1=pwsh -NoProfile -File`n" -NoNewline

    function script:InboxFiles([string] $Root) {
        @(Get-ChildItem -LiteralPath (Join-Path $Root 'inbox') -Recurse -File -ErrorAction SilentlyContinue |
            Where-Object Name -NotIn 'dispatch.txt', 'status.txt')
    }
}

AfterAll {
    $env:OUTPOST_TARGETS = $SavedTargets
    Stop-TestResponder $Responder
    Stop-TestResponder $ResponderB
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'Submit-OutpostJob -Attachment -Collect, then Receive-OutpostJob -Artifact' {
    BeforeEach { Skip-UnlessPosixShell }

    It 'stages a folder and wildcard files in the job''s folder and brings its artifacts home as FileInfo objects' {
        $script = 'cat src/a.txt; echo; cat "src/sub/Grüße ñ.txt"; echo; cat one.cfg two.cfg; echo; ' +
                  'test -d src/sub/empty && echo empty-kept; test -e skip.txt || echo no-skip; ' +
                  'test "$OUTPOST_ATTACHMENTS" = "$(pwd)" && echo in-folder; ' +
                  'mkdir -p out/deep; wc -c < src/a.txt | tr -d " " > out/size.log; cp "src/sub/Grüße ñ.txt" "out/deep/Grüße ñ.txt"; echo no > left-behind.txt'
        $job = Submit-OutpostJob -Path $Share -Command $script -Extension sh -Attachment $Src, (Join-Path $Cfg '*.cfg') -Collect 'out/**' -Wait
        $job.Result.ExitCode | Should -Be 0 -Because (($job | Receive-OutpostJob -Stream Stderr) -join "`n")
        $job | Receive-OutpostJob | Should -Be @('alpha', 'beta', 'one=1two=2', 'empty-kept', 'no-skip', 'in-folder')
        $job.Result.Artifacts | Should -Be 2

        $home1 = Join-Path $TestDrive 'home1'
        $files = @($job | Receive-OutpostJob -Artifact -Destination $home1)
        $files | ForEach-Object { $_ | Should -BeOfType ([System.IO.FileInfo]) }
        $files.FullName | Sort-Object | Should -Be @((Join-Path $home1 'out/deep/Grüße ñ.txt'), (Join-Path $home1 'out/size.log'))
        Get-Content -LiteralPath (Join-Path $home1 'out/size.log') | Should -Be '5'
        Get-Content -LiteralPath (Join-Path $home1 'out/deep/Grüße ñ.txt') -Raw | Should -Be 'beta'
        Join-Path $home1 'left-behind.txt' | Should -Not -Exist
    }

    It 'resolves relative attachment paths and -Destination against the current location' {
        Push-Location $TestDrive
        try {
            $job = Submit-OutpostJob -Path $Share -Command 'cat cfg/one.cfg > copy.cfg' -Extension sh -Attachment cfg -Collect '*.cfg' -Wait
            $files = @($job | Receive-OutpostJob -Artifact -Destination 'home-relative')
            $files.FullName | Should -Be (Join-Path $TestDrive 'home-relative/copy.cfg')
            Get-Content -LiteralPath $files[0].FullName | Should -Be 'one=1'
        }
        finally { Pop-Location }
    }

    It 'collects from -WorkingDirectory when the job is sent there' {
        $work = Join-Path $TestDrive 'workdir'
        New-Item -ItemType Directory -Path $work -Force | Out-Null
        $job = Submit-OutpostJob -Path $Share -Command 'echo made-here > result.txt' -Extension sh -WorkingDirectory $work -Collect 'result.txt' -Wait
        $files = @($job | Receive-OutpostJob -Artifact -Destination (Join-Path $TestDrive 'home-wd'))
        $files.Name | Should -Be 'result.txt'
        Get-Content -LiteralPath $files[0].FullName | Should -Be 'made-here'
    }

    It 'sends compressed files when asked, with the same bytes arriving' {
        $big = Join-Path $TestDrive 'big.txt'
        Set-Content -LiteralPath $big -Value (('0123456789abcdef' * 4096) + "`n") -NoNewline
        $job = Submit-OutpostJob -Path $Share -Command 'sha256sum big.txt | cut -d" " -f1' -Extension sh -Attachment $big -CompressFiles -Wait
        $job | Receive-OutpostJob | Should -Be (Get-FileHash -LiteralPath $big -Algorithm SHA256).Hash.ToLowerInvariant()
    }

    It 'refuses to overwrite a file already at -Destination without -Force, and replaces it with -Force' {
        $job = Submit-OutpostJob -Path $Share -Command 'echo fresh > a.log; echo fresh > b.log' -Extension sh -Collect '*.log' -Wait
        $dest = Join-Path $TestDrive 'home-exists'
        New-Item -ItemType Directory -Path $dest -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $dest 'b.log') -Value 'mine' -NoNewline
        $errs = $null
        $out = $job | Receive-OutpostJob -Artifact -Destination $dest -ErrorVariable errs -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ArtifactExists,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $errs[0].Exception.Message | Should -BeLike '*b.log already exists*-Force*'
        # Nothing was written: the user's file is intact and the other artifact did not arrive either.
        Get-Content -LiteralPath (Join-Path $dest 'b.log') -Raw | Should -Be 'mine'
        Join-Path $dest 'a.log' | Should -Not -Exist

        $files = @($job | Receive-OutpostJob -Artifact -Destination $dest -Force)
        $files.Name | Sort-Object | Should -Be @('a.log', 'b.log')
        Get-Content -LiteralPath (Join-Path $dest 'b.log') | Should -Be 'fresh'
    }

    It 'warns when a job has no artifacts to receive' {
        $job = Submit-OutpostJob -Path $Share -Command 'echo plain' -Extension sh -Wait
        $warnings = $null
        $job | Receive-OutpostJob -Artifact -Destination (Join-Path $TestDrive 'home-none') -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings[0].Message | Should -BeLike '*has no artifacts*-Collect*'
    }
}

Describe 'Invoke-OutpostCommand -Attachment -Collect -CollectTo' -Skip:(-not $HasPs1) {
    It 'gives the script block $OutpostAttachments and copies what it collects to -CollectTo' {
        $to = Join-Path $TestDrive 'collected'
        $out = Invoke-OutpostCommand -Target files-a -Attachment $Src -Collect 'report/*.txt' -CollectTo $to -ScriptBlock {
            $names = Get-ChildItem -LiteralPath $OutpostAttachments -Recurse -File | ForEach-Object Name | Sort-Object
            New-Item -ItemType Directory -Path report | Out-Null
            $names -join ',' | Set-Content -LiteralPath 'report/names.txt' -Encoding utf8NoBOM
            (Get-Location).Path -eq $OutpostAttachments
        }
        $out | Should -BeTrue
        Get-Content -LiteralPath (Join-Path $to 'report/names.txt') -Encoding utf8 | Should -Be 'a.txt,Grüße ñ.txt'
    }

    It 'puts each target''s files in a subfolder named for it when the command runs on several targets' {
        $to = Join-Path $TestDrive 'fanned'
        Invoke-OutpostCommand -Target files-a, files-b -Collect 'who.txt' -CollectTo $to -ScriptBlock {
            'made on a target' | Set-Content -LiteralPath who.txt
        }
        (Get-ChildItem -LiteralPath $to -Directory).Name | Sort-Object | Should -Be @('files-a', 'files-b')
        Join-Path $to 'files-a/who.txt' | Should -Exist
        Join-Path $to 'files-b/who.txt' | Should -Exist
    }

    It 'replaces files already in -CollectTo, as Copy-Item does' {
        $to = Join-Path $TestDrive 'collected-again'
        New-Item -ItemType Directory -Path $to -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $to 'v.txt') -Value 'old'
        Invoke-OutpostCommand -Path $Share -Collect 'v.txt' -CollectTo $to -ScriptBlock { 'new' | Set-Content -LiteralPath v.txt }
        Get-Content -LiteralPath (Join-Path $to 'v.txt') | Should -Be 'new'
    }

    It 'collects with -AsJob too, when the child job ends' {
        $to = Join-Path $TestDrive 'collected-asjob'
        $job = Invoke-OutpostCommand -Target files-b -Attachment (Join-Path $Cfg 'one.cfg') -Collect 'copy.cfg' -CollectTo $to -AsJob -ScriptBlock {
            Copy-Item -LiteralPath (Join-Path $OutpostAttachments 'one.cfg') -Destination copy.cfg
        }
        $job | Wait-Job -Timeout 60 | Out-Null
        $job.State | Should -Be 'Completed'
        Get-Content -LiteralPath (Join-Path $to 'copy.cfg') | Should -Be 'one=1'
        $job | Remove-Job
    }

    It 'refuses files with -Session, before anything is sent' {
        $s = New-OutpostSession -Path $Share -Name 'files-session'
        try {
            { Invoke-OutpostCommand -Session $s -Attachment $Src -ScriptBlock { 1 } } | Should -Throw -ErrorId 'SessionCannotCarryFiles,*'
            { $s | Invoke-OutpostCommand -Collect '*' -CollectTo $TestDrive -ScriptBlock { 1 } } | Should -Throw -ErrorId 'SessionCannotCarryFiles,*'
        }
        finally { $s | Remove-OutpostSession }
    }
}

Describe 'Errors a user sees with files' {
    It 'stops with AttachmentNotFound for a path that does not exist, and sends nothing' {
        $before = (InboxFiles $Share).Count
        $err = { Submit-OutpostJob -Path $Share -Command 'true' -Extension sh -Attachment (Join-Path $TestDrive 'no-such-file.txt') } |
            Should -Throw -ErrorId 'AttachmentNotFound,*' -PassThru
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception.Message | Should -BeLike "*no-such-file.txt*does not exist*nothing was submitted*"
        { Submit-OutpostJob -Path $Share -Command 'true' -Extension sh -Attachment (Join-Path $TestDrive '*.nomatch') } |
            Should -Throw -ErrorId 'AttachmentNotFound,*'
        { Invoke-OutpostCommand -Path $Share -Attachment 'no-such-folder' -ScriptBlock { 1 } } | Should -Throw -ErrorId 'AttachmentNotFound,*'
        (InboxFiles $Share).Count | Should -Be $before
    }

    It 'takes a name with brackets literally when it is not a pattern that matches' {
        Skip-UnlessPosixShell
        $odd = Join-Path $TestDrive 'report[1].txt'
        Set-Content -LiteralPath $odd -Value 'bracketed'
        $job = Submit-OutpostJob -Path $Share -Command 'cat "report[1].txt"' -Extension sh -Attachment $odd -Wait
        $job | Receive-OutpostJob | Should -Be 'bracketed'
    }

    It 'refuses two attachments with one name' {
        New-Item -ItemType Directory -Path (Join-Path $TestDrive 'other') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $TestDrive 'other/a.txt') -Value 'other'
        { Submit-OutpostJob -Path $Share -Command 'true' -Extension sh -Attachment (Join-Path $Src 'a.txt'), (Join-Path $TestDrive 'other/a.txt') } |
            Should -Throw -ErrorId 'AttachmentNameConflict,*'
    }

    It 'refuses a -Collect pattern that leaves the job''s folder' {
        { Submit-OutpostJob -Path $Share -Command 'true' -Extension sh -Collect '../outside/*' } | Should -Throw -ErrorId 'InvalidCollectPattern,*'
        { Invoke-OutpostCommand -Path $Share -Collect '/etc/*' -CollectTo $TestDrive -ScriptBlock { 1 } } | Should -Throw -ErrorId 'InvalidCollectPattern,*'
    }

    It 'asks for both -Collect and -CollectTo on Invoke-OutpostCommand' {
        { Invoke-OutpostCommand -Path $Share -Collect 'x' -ScriptBlock { 1 } } | Should -Throw -ErrorId 'CollectNeedsCollectTo,*'
        { Invoke-OutpostCommand -Path $Share -CollectTo $TestDrive -ScriptBlock { 1 } } | Should -Throw -ErrorId 'CollectToNeedsCollect,*'
    }

    It 'refuses to send files to a v1 responder, which would run the job without them' {
        $errs = $null
        Submit-OutpostJob -Path $V1Share -Command 'cat a.txt' -Extension sh -Attachment (Join-Path $Src 'a.txt') -ErrorVariable errs -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FilesNotSupported,*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
        $errs[0].Exception.Message | Should -BeLike '*does not take files*outpost_features=files*upgrade it*'
        (InboxFiles $V1Share).Count | Should -Be 0

        $errs = $null
        Invoke-OutpostCommand -Path $V1Share -Attachment (Join-Path $Src 'a.txt') -ScriptBlock { 1 } -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FilesNotSupported*'
        (InboxFiles $V1Share).Count | Should -Be 0
    }

    It 'says JobNotFinished for the artifacts of a job still running' {
        Skip-UnlessPosixShell
        $job = Submit-OutpostJob -Path $Share -Command 'sleep 5' -Extension sh -Lane 2 -Collect '*'
        $errs = $null
        $job | Receive-OutpostJob -Artifact -Destination (Join-Path $TestDrive 'early') -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'JobNotFinished,*'
        $job | Stop-OutpostJob -Confirm:$false | Out-Null
    }
}

Describe 'The transfer progress bar' {
    # Driven with its own clock: large transfers are what it is for, and a test cannot wait on one.
    BeforeAll {
        $script:BarType = (Get-Command Submit-OutpostJob).ImplementingType.Assembly.GetType('Outpost.PowerShell.TransferProgressBar', $true)
        function script:New-Bar([System.Collections.Generic.List[System.Management.Automation.ProgressRecord]] $Records, [hashtable] $Clock) {
            $write = [Action[System.Management.Automation.ProgressRecord]] { param($r) $Records.Add($r) }.GetNewClosure()
            $elapsed = [Func[timespan]] { $Clock.Now }.GetNewClosure()
            [Activator]::CreateInstance($BarType, [System.Reflection.BindingFlags]'Instance, Public, NonPublic', $null, @(7, 'Sending files', $write, $elapsed), $null)
        }
        function script:Send($Bar, [long] $Done) {
            $BarType.GetMethod('Report').Invoke($Bar, @([Outpost.Core.Files.TransferProgress]::new('Sending files', 'big.bin', $Done, 4GB)))
        }
    }

    It 'stays hidden for a transfer that ends within half a second' {
        $records = [System.Collections.Generic.List[System.Management.Automation.ProgressRecord]]::new()
        $clock = @{ Now = [timespan]::FromMilliseconds(100) }
        $bar = New-Bar $records $clock
        Send $bar 1MB
        $BarType.GetMethod('Complete').Invoke($bar, @())
        $records.Count | Should -Be 0
    }

    It 'shows a long transfer at most five times a second, with its percentage, and completes it' {
        $records = [System.Collections.Generic.List[System.Management.Automation.ProgressRecord]]::new()
        $clock = @{ Now = [timespan]::FromMilliseconds(600) }
        $bar = New-Bar $records $clock
        Send $bar 1GB
        $clock.Now = [timespan]::FromMilliseconds(700)
        Send $bar 2GB       # too soon after the last draw
        $clock.Now = [timespan]::FromMilliseconds(900)
        Send $bar 3GB
        $BarType.GetMethod('Complete').Invoke($bar, @())
        $records.Count | Should -Be 3
        $records[0].PercentComplete | Should -Be 25
        $records[0].CurrentOperation | Should -Be 'big.bin'
        $records[0].StatusDescription | Should -Be '1.0 GiB of 4.0 GiB'
        $records[1].PercentComplete | Should -Be 75
        $records[2].RecordType | Should -Be 'Completed'
    }
}
