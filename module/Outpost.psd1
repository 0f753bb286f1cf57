@{
    RootModule           = 'Outpost.PowerShell.dll'
    # Stamped at build time from <Version> in Directory.Build.props (the one place the version lives).
    ModuleVersion        = '0.0.0'
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
        'Copy-OutpostItem'
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
    # Every file the package ships (out/Outpost, as the build assembles it); Packaging.Tests.ps1 checks
    # that this list and the folder agree.
    FileList             = @(
        'Outpost.psd1'
        'Outpost.Core.dll'
        'Outpost.PowerShell.dll'
        'Outpost.format.ps1xml'
        'en-US/Outpost.PowerShell.dll-Help.xml'
        'en-US/about_Outpost.help.txt'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('Remote', 'Remoting', 'Automation', 'SharedFolder', 'Jobs', 'Agent', 'Offline', 'AirGap', 'Windows', 'Linux', 'macOS', 'PSEdition_Desktop', 'PSEdition_Core')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ReleaseNotes = 'First release. A responder and a submitter that speak outpost wire protocol v1 over a shared folder (SMB/NFS, Syncthing, Dropbox, a USB stick), compatible with the Go outpost in both directions. Cmdlets to submit, wait for, receive, list, cancel and remove jobs; Invoke-OutpostCommand for script blocks with objects and streams back; responders as PowerShell jobs or services; a target registry (targets.toml); signed jobs. Works in Windows PowerShell 5.1 and PowerShell 7.'
        }
    }
}
