#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The module's surface as PowerShell sees it: the manifest, the exported commands and their help.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
}

AfterAll {
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'exports the cmdlets the manifest lists, and only cmdlets' {
        $commands = Get-Command -Module Outpost
        $commands.Name | Should -Contain 'Submit-OutpostJob'
        $commands.Name | Should -Contain 'Start-OutpostResponder'
        ($commands | Where-Object CommandType -ne 'Cmdlet') | Should -BeNullOrEmpty
    }
}
