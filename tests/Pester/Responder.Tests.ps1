#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The responder as a user runs it: Start-OutpostResponder -AsJob, Get-Job, the status probe, and
# pausing and resuming the share.

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

Describe 'A responder job' {
    It 'shows in Get-Job' {
        Get-Job -Id $Responder.Id | Should -Not -BeNullOrEmpty
        $Responder.State | Should -Be 'Running'
        $Responder.PSJobTypeName | Should -Be 'OutpostResponder'
    }

    It 'answers the status probe' {
        $status = Get-OutpostStatus -Path $Share
        $status.Available | Should -BeTrue
        $status.ResponderName | Should -Be 'pester-responder'
        $status.Lanes.Count | Should -Be 2
    }
}
