#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Copy-OutpostItem as a user drives it against a real responder on $TestDrive: both ways with -Recurse,
# files piped from Get-ChildItem, -WhatIf, -PassThru, and the errors a user sees.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-TestResponder -Share $Share -Name 'copy-responder'
    $script:SavedTargets = $env:OUTPOST_TARGETS
    $env:OUTPOST_TARGETS = Join-Path $TestDrive 'targets.toml'
    Add-OutpostTarget -Name copy-vm -Path $Share | Out-Null
    # The "remote" side is a folder on this computer, which the responder reaches as the target would.
    $script:Remote = Join-Path $TestDrive 'remote'
    New-Item -ItemType Directory -Path $Remote | Out-Null
    $script:Local = Join-Path $TestDrive 'local'
    New-Item -ItemType Directory -Path (Join-Path $Local 'tree/sub/empty') -Force | Out-Null
    Set-Content -LiteralPath (Join-Path $Local 'tree/a.txt') -Value 'alpha'
    Set-Content -LiteralPath (Join-Path $Local 'tree/sub/b [1].txt') -Value 'beta'

    function Get-Outbox { @(Get-ChildItem -LiteralPath (Join-Path $Share 'outbox/1') -File -ErrorAction SilentlyContinue) }
}

AfterAll {
    $env:OUTPOST_TARGETS = $SavedTargets
    Stop-TestResponder $Responder
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'Copy-OutpostItem both ways' {
    It 'sends a folder with -Recurse and brings it back' {
        Copy-OutpostItem -Path (Join-Path $Local 'tree') -Destination $Remote -ToTarget copy-vm -Recurse -TimeoutSec 60
        Get-Content -LiteralPath (Join-Path $Remote 'tree/sub/b [1].txt') | Should -Be 'beta'
        Test-Path -LiteralPath (Join-Path $Remote 'tree/sub/empty') -PathType Container | Should -BeTrue

        $back = Join-Path $TestDrive 'back'
        $item = Copy-OutpostItem -Path (Join-Path $Remote 'tree') -Destination $back -FromTarget copy-vm -Recurse -PassThru
        $item | Should -BeOfType ([System.IO.DirectoryInfo])
        $item.FullName | Should -Be $back
        Get-Content -LiteralPath (Join-Path $back 'a.txt') | Should -Be 'alpha'
        Get-Content -LiteralPath (Join-Path $back 'sub/b [1].txt') | Should -Be 'beta'
        Get-Outbox | Should -BeNullOrEmpty -Because 'a copy removes its job from the share'
    }

    It 'takes the files Get-ChildItem pipes, in one job, and returns them with -PassThru' {
        $into = Join-Path $Remote 'piped'
        New-Item -ItemType Directory -Path $into | Out-Null
        $placed = Get-ChildItem -LiteralPath (Join-Path $Local 'tree') -File | Copy-OutpostItem -ToTarget copy-vm -Destination $into -PassThru
        $placed.Count | Should -Be 1
        $placed[0].Target | Should -Be 'copy-vm'
        $placed[0].FullName | Should -Be (Join-Path $into 'a.txt')
        $placed[0].IsFolder | Should -BeFalse
        Get-Content -LiteralPath (Join-Path $into 'a.txt') | Should -Be 'alpha'
        # A remote item returned by -PassThru pipes straight back.
        $homeDir = Join-Path $TestDrive 'home'
        New-Item -ItemType Directory -Path $homeDir | Out-Null
        $file = $placed | Copy-OutpostItem -FromTarget copy-vm -Destination $homeDir -PassThru
        $file | Should -BeOfType ([System.IO.FileInfo])
        Get-Content -LiteralPath $file.FullName | Should -Be 'alpha'
    }

    It 'fetches the files a wildcard matches on the target' {
        $logs = Join-Path $Remote 'logs'
        New-Item -ItemType Directory -Path $logs | Out-Null
        'one', 'two' | ForEach-Object { Set-Content -LiteralPath (Join-Path $logs "$_.log") -Value $_ }
        Set-Content -LiteralPath (Join-Path $logs 'skip.txt') -Value 'skip'
        $dest = Join-Path $TestDrive 'logs-here'
        New-Item -ItemType Directory -Path $dest | Out-Null
        Copy-OutpostItem -Path (Join-Path $logs '*.log') -Destination $dest -FromTarget copy-vm
        (Get-ChildItem -LiteralPath $dest).Name | Sort-Object | Should -Be @('one.log', 'two.log')
    }

    It 'does nothing with -WhatIf' {
        $before = @(Get-ChildItem -LiteralPath (Join-Path $Share 'inbox/1') -ErrorAction SilentlyContinue).Count
        Copy-OutpostItem -Path (Join-Path $Local 'tree/a.txt') -Destination (Join-Path $Remote 'whatif.txt') -ToTarget copy-vm -WhatIf
        Copy-OutpostItem -Path (Join-Path $Remote 'tree/a.txt') -Destination (Join-Path $TestDrive 'whatif.txt') -FromTarget copy-vm -WhatIf
        Test-Path -LiteralPath (Join-Path $Remote 'whatif.txt') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $TestDrive 'whatif.txt') | Should -BeFalse
        @(Get-ChildItem -LiteralPath (Join-Path $Share 'inbox/1') -ErrorAction SilentlyContinue).Count | Should -Be $before
    }
}

Describe 'Copy-OutpostItem errors as a user sees them' {
    It 'reports a local path that does not exist as PathNotFound, ObjectNotFound' {
        $errs = $null
        Copy-OutpostItem -LiteralPath (Join-Path $Local 'absent.txt') -Destination $Remote -ToTarget copy-vm -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].Exception.Message | Should -BeLike "Cannot find path '*absent.txt' because it does not exist."
    }

    It 'reports a path that does not exist on the target as PathNotFound, ObjectNotFound' {
        $errs = $null
        $missing = Join-Path $Remote 'nope.txt'
        Copy-OutpostItem -Path $missing -Destination $TestDrive -FromTarget copy-vm -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $errs[0].Exception.Message | Should -Be "copy-vm: Cannot find path '$missing' because it does not exist."
    }

    It 'refuses a folder without -Recurse, both ways' {
        New-Item -ItemType Directory -Path (Join-Path $Remote 'folder') | Out-Null
        $errs = $null
        Copy-OutpostItem -Path (Join-Path $Local 'tree') -Destination $Remote -ToTarget copy-vm -ErrorVariable errs -ErrorAction SilentlyContinue
        Copy-OutpostItem -Path (Join-Path $Remote 'folder') -Destination (Join-Path $TestDrive 'x') -FromTarget copy-vm -ErrorVariable +errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'FolderNeedsRecurse,*' }
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses to replace a file without -Force, and replaces it with -Force' {
        $target = Join-Path $Remote 'replace.txt'
        Set-Content -LiteralPath $target -Value 'old'
        $errs = $null
        Copy-OutpostItem -Path (Join-Path $Local 'tree/a.txt') -Destination $target -ToTarget copy-vm -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ItemExists,*'
        $errs[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content -LiteralPath $target | Should -Be 'old'
        Copy-OutpostItem -Path (Join-Path $Local 'tree/a.txt') -Destination $target -ToTarget copy-vm -Force
        Get-Content -LiteralPath $target | Should -Be 'alpha'
    }

    It 'says when the destination folder on the target does not exist' {
        $e = { Copy-OutpostItem -Path (Join-Path $Local 'tree/a.txt') -Destination (Join-Path $Remote 'no/such/a.txt') -ToTarget copy-vm -ErrorAction Stop } |
            Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'DestinationNotFound,*'
        $e.Exception.Message | Should -BeLike "*Could not find a part of the path*"
    }

    It 'fails on an unknown target name' {
        { Copy-OutpostItem -Path (Join-Path $Local 'tree/a.txt') -Destination $Remote -ToTarget no-such-vm -ErrorAction Stop } | Should -Throw '*no-such-vm*'
    }
}
