@{
    RootModule           = 'Outpost.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5f0c2a8e-7d1b-4b5e-9a43-0c6f1e2d8b71'
    Author               = 'Outpost contributors'
    CompanyName          = 'Outpost'
    Copyright            = '(c) 2026 Outpost contributors. MIT License.'
    Description          = 'Run scripts on hosts you cannot reach directly, through nothing but a shared folder (SMB/NFS, Syncthing, Dropbox, a USB stick). Speaks outpost wire protocol v1: no open port, no SSH, no PSRemoting.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    RequiredAssemblies   = @('Outpost.Core.dll')
    FormatsToProcess     = @('Outpost.format.ps1xml')
    TypesToProcess       = @()
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Add-OutpostTarget'
        'Enter-OutpostSession'
        'Get-OutpostJob'
        'Get-OutpostResponderRegistration'
        'Get-OutpostSession'
        'Get-OutpostStatus'
        'Get-OutpostTarget'
        'Initialize-OutpostTarget'
        'Invoke-OutpostCommand'
        'New-OutpostKey'
        'New-OutpostSession'
        'Receive-OutpostJob'
        'Register-OutpostResponder'
        'Remove-OutpostJob'
        'Remove-OutpostSession'
        'Remove-OutpostTarget'
        'Restart-OutpostResponder'
        'Resume-OutpostResponder'
        'Set-OutpostTarget'
        'Start-OutpostResponder'
        'Stop-OutpostJob'
        'Stop-OutpostResponder'
        'Submit-OutpostJob'
        'Suspend-OutpostResponder'
        'Test-OutpostTarget'
        'Unregister-OutpostResponder'
        'Wait-OutpostJob'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Remote', 'Automation', 'SharedFolder', 'Jobs', 'Agent', 'Windows', 'Linux', 'macOS', 'PSEdition_Desktop', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/outpost/outpost'
            ReleaseNotes = 'First release: outpost wire protocol v1 responder and submitter, job cmdlets, responder jobs, format views.'
        }
    }
}
