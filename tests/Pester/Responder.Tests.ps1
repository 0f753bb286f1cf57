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

Describe 'Controlling a responder' {
    It 'Stop-OutpostResponder stops the responder serving a share, and its job completes' {
        $share = Join-Path $TestDrive 'stop-share'
        $job = Start-TestResponder -Share $share -Name 'to-stop' -LaneCount 1
        try {
            Stop-OutpostResponder -Path $share -Confirm:$false
            $job | Wait-Job -Timeout 30 | Out-Null
            $job.State | Should -Be 'Completed'
            (Get-OutpostStatus -Path $share).Available | Should -BeFalse
        }
        finally { Stop-TestResponder $job }
    }

    It 'Restart-OutpostResponder -WhatIf leaves the responder running' {
        Restart-OutpostResponder -Path $Share -WhatIf
        Test-Path (Join-Path $Share 'RESTART') | Should -BeFalse
        $Responder.State | Should -Be 'Running'
    }

    It 'Register-OutpostResponder -WhatIf registers nothing, and Get-OutpostResponderRegistration lists what is registered' {
        $before = @(Get-OutpostResponderRegistration -ErrorAction Stop)
        Register-OutpostResponder -Path $Share -Name 'pester-whatif' -WhatIf
        $after = @(Get-OutpostResponderRegistration -ErrorAction Stop)
        $after.Count | Should -Be $before.Count
        Unregister-OutpostResponder -Name 'pester-whatif' -WhatIf -ErrorAction SilentlyContinue
    }
}
