#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The module's surface as PowerShell sees it: the manifest, the exported commands and the help Get-Help
# shows for each of them (the MAML the build makes from docs/help).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:CmdletNames = (Import-PowerShellDataFile $ModulePath).CmdletsToExport
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-OutpostUnderTest
    $script:Common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

AfterAll {
    Remove-Module Outpost -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'has a manifest that Test-ModuleManifest accepts' {
        $info = Test-ModuleManifest -Path $ModulePath -ErrorAction Stop
        $info.Name | Should -Be 'Outpost'
        $info.Version | Should -Be (Get-Module Outpost).Version
    }

    It 'exports the cmdlets the manifest lists, and only cmdlets' {
        $commands = Get-Command -Module Outpost
        @($commands.Name | Sort-Object) | Should -Be @((Import-PowerShellDataFile $ModulePath).CmdletsToExport | Sort-Object)
        ($commands | Where-Object CommandType -ne 'Cmdlet') | Should -BeNullOrEmpty
    }

    It 'has an about_Outpost topic' {
        $about = Get-Help about_Outpost
        ($about | Out-String) | Should -Match 'Outpost'
    }
}

Describe 'Get-Help <_> -Full' -ForEach $CmdletNames {
    BeforeAll {
        $name = $_
        $help = Get-Help $name -Full
        $command = Get-Command $name
    }

    It 'has a synopsis and a description of its own' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$name *"   # PowerShell's stand-in when no help exists
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least one example with code' {
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $help.Examples.Example[0].Code | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter the cmdlet has' {
        $documented = @($help.Parameters.Parameter | Where-Object { ($_.Description | Out-String).Trim() } | ForEach-Object Name)
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $Common }) {
            $documented | Should -Contain $parameter -Because "Get-Help $name -Full should describe -$parameter"
        }
    }

    It 'renders -Full without errors' {
        { Get-Help $name -Full | Out-String -Width 120 } | Should -Not -Throw
    }
}
