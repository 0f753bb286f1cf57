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
