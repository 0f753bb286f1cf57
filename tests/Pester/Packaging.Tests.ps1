#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The built module folder as something that is shipped: it loads in a fresh PowerShell on its own.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Shell = (Get-Process -Id $PID).Path
}

Describe 'The built module folder' {
    It 'imports in a fresh PowerShell process' {
        $out = & $Shell -NoProfile -NonInteractive -Command "Import-Module '$ModulePath' -ErrorAction Stop; (Get-Module Outpost).ExportedCmdlets.Count"
        $LASTEXITCODE | Should -Be 0
        [int]($out | Select-Object -Last 1) | Should -BeGreaterThan 20
    }
}
