#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The target registry as a user keeps it: Add/Get/Set/Remove-OutpostTarget on a targets.toml in
# $TestDrive (never the user's own), and -Target reaching a live responder by name.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
    $script:Share = Join-Path $TestDrive 'share'
    $script:Responder = Start-TestResponder -Share $Share -Name 'targets-responder'
    $script:SavedTargets = $env:OUTPOST_TARGETS
    $env:OUTPOST_TARGETS = Join-Path $TestDrive 'targets.toml'
}

AfterAll {
    $env:OUTPOST_TARGETS = $SavedTargets
    Stop-TestResponder $Responder
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'The target registry' {
    It 'registers, lists, changes and removes a target' {
        $added = Add-OutpostTarget -Name 'lab' -Path $Share -ExpectedName 'targets-responder' -Default
        $added.Name | Should -Be 'lab'
        (Get-OutpostTarget -Name 'lab').Path | Should -Be $Share
        Set-OutpostTarget -Name 'lab' -ExpectedName 'someone-else' -Confirm:$false
        (Get-OutpostTarget -Name 'lab').ExpectedName | Should -Be 'someone-else'
        Remove-OutpostTarget -Name 'lab' -Confirm:$false
        Get-OutpostTarget -Name 'lab' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reaches a live responder with -Target' {
        Add-OutpostTarget -Name 'live' -Path $Share -ExpectedName 'targets-responder' | Out-Null
        (Get-OutpostStatus -Target 'live').Available | Should -BeTrue
        Remove-OutpostTarget -Name 'live' -Confirm:$false
    }
}

Describe 'Setting up and checking a target' {
    It 'Initialize-OutpostTarget writes a target folder with its outpost.toml under -Root' {
        $root = Join-Path $TestDrive 'targets'
        $plan = Initialize-OutpostTarget -Root $root -Name 'init-vm' -Confirm:$false
        $plan | Should -Not -BeNullOrEmpty
        Test-Path -LiteralPath $plan.ConfigPath | Should -BeTrue
        (Resolve-Path -LiteralPath $plan.ConfigPath).ProviderPath | Should -BeLike "$((Resolve-Path $root).ProviderPath)*"
    }

    It 'Test-OutpostTarget finds a live share healthy, and -Quiet says so with $true' {
        Test-OutpostTarget -Path $Share -Quiet | Should -BeTrue
        $findings = @(Test-OutpostTarget -Path $Share)
        $findings.Count | Should -BeGreaterThan 0
    }

    It 'Test-OutpostTarget -Quiet says $false for a folder no responder serves' {
        $empty = Join-Path $TestDrive 'nobody-here'
        New-Item -ItemType Directory -Path $empty | Out-Null
        Test-OutpostTarget -Path $empty -Quiet -WarningAction SilentlyContinue | Should -BeFalse
    }

    It 'New-OutpostKey writes a key pair into -Folder' {
        $folder = Join-Path $TestDrive 'keys'
        $key = New-OutpostKey -Name pester -Folder $folder -Confirm:$false
        $key | Should -Not -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $folder -File).Count | Should -BeGreaterOrEqual 2
    }
}

