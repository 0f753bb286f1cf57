#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The module as it is shipped: packed by PowerShell's own publishing (tools/build/New-ModulePackage.ps1,
# what ./build.ps1 -Package runs), served from a temporary folder repository, installed with
# PSResourceGet and with PowerShellGet into temporary folders (never the user's module path), imported
# in a fresh pwsh and driven to run a job.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:ModuleFolder = (Resolve-Path (Split-Path $ModulePath -Parent)).ProviderPath
    $script:Pwsh = (Get-Command pwsh -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
    $script:Repository = Join-Path $TestDrive 'repository'

    # Runs $Script in a fresh pwsh whose per-user folders (module path, repository registrations) live
    # in $TestDrive/home on Linux and macOS, so nothing reaches the user's own. Returns its output lines.
    function Invoke-FreshPwsh([string] $Script, [string[]] $Arguments = @()) {
        $file = Join-Path $TestDrive ("step-" + [guid]::NewGuid().ToString('N') + '.ps1')
        Set-Content -LiteralPath $file -Value $Script
        $saved = @{}
        $home_ = Join-Path $TestDrive 'home'
        $isolated = if ($IsPosix) { @{ HOME = $home_; XDG_DATA_HOME = "$home_/.local/share"; XDG_CONFIG_HOME = "$home_/.config"; XDG_CACHE_HOME = "$home_/.cache" } } else { @{} }
        foreach ($name in $isolated.Keys) {
            # .NET answers "" for a per-user folder that does not exist yet, and PSResourceGet then writes
            # its repository store into the working folder: create them first.
            if ($name -ne 'HOME') { New-Item -ItemType Directory -Path $isolated[$name] -Force | Out-Null }
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $isolated[$name])
        }
        try { & $Pwsh -NoProfile -NonInteractive -File $file @Arguments 2>&1 | ForEach-Object { "$_" } }
        finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
    }

    # Imports the module from $Module (a manifest path or a name), serves a share with a responder job,
    # runs one .ps1 job through it and prints "ran:<output>" and "base:<ModuleBase>".
    $script:DriveAJob = @'
param([string] $Module, [string] $Share)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$responder = Start-OutpostResponder -Path $Share -PollIntervalSec 0.1 -AsJob
try {
    $deadline = [datetime]::UtcNow.AddSeconds(30)
    while (-not (Test-Path (Join-Path $Share 'inbox/dispatch.txt')) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    $job = Submit-OutpostJob -Path $Share -Command "Write-Output 'from-the-package'" -Extension ps1 -Wait -TimeoutSec 60
    "ran:$($job | Receive-OutpostJob)"
    "base:$((Get-Module Outpost).ModuleBase)"
}
finally { $responder | Stop-Job; $responder | Remove-Job -Force }
'@

    $script:Version = (Import-PowerShellDataFile $ModulePath).ModuleVersion
    $script:Package = Invoke-FreshPwsh -Script "& '$RepoRoot/tools/build/New-ModulePackage.ps1' -ModuleFolder `$args[0] -OutputFolder `$args[1]" -Arguments $ModuleFolder, $Repository |
        Select-Object -Last 1
}

Describe 'The package' {
    It 'is Outpost.<version>.nupkg, with the version of Directory.Build.props' {
        $props = [xml](Get-Content -Raw (Join-Path $RepoRoot 'Directory.Build.props'))
        $expected = @($props.Project.PropertyGroup.Version | Where-Object { $_ })[0]
        $Version | Should -Be $expected
        Split-Path $Package -Leaf | Should -Be "Outpost.$expected.nupkg"
        Test-Path -LiteralPath $Package | Should -BeTrue
        [Reflection.AssemblyName]::GetAssemblyName((Join-Path $ModuleFolder 'Outpost.PowerShell.dll')).Version.ToString(3) | Should -Be $expected
    }

    It 'ships exactly the files the manifest''s FileList names, help included' {
        $fileList = @((Import-PowerShellDataFile $ModulePath).FileList | ForEach-Object { $_ -replace '\\', '/' } | Sort-Object)
        $fileList | Should -Contain 'en-US/Outpost.PowerShell.dll-Help.xml'
        $inFolder = @(Get-ChildItem -LiteralPath $ModuleFolder -Recurse -File | ForEach-Object { $_.FullName.Substring($ModuleFolder.Length + 1) -replace '\\', '/' } | Sort-Object)
        $inFolder | Should -Be $fileList
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($Package)
        try {
            $inPackage = @($zip.Entries.FullName | ForEach-Object { [uri]::UnescapeDataString($_) } |
                    Where-Object { $_ -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$|Outpost\.nuspec$)' } | Sort-Object)
        }
        finally { $zip.Dispose() }
        $inPackage | Should -Be $fileList
    }

    It 'carries Gallery metadata with no invented addresses' {
        $psData = (Import-PowerShellDataFile $ModulePath).PrivateData.PSData
        $psData.Tags | Should -Contain 'PSEdition_Core'
        $psData.Tags | Should -Contain 'PSEdition_Desktop'
        $psData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $psData.Keys | Should -Not -Contain 'ProjectUri'
    }
}

Describe 'Installing the package from a folder repository' {
    It '<Tool> saves a copy that imports in a fresh pwsh and runs a job' -ForEach @(
        @{ Tool = 'Save-PSResource'; Register = 'Register-PSResourceRepository -Name $name -Uri $args[0] -Trusted'
           Save = 'Save-PSResource -Name Outpost -Repository $name -Path $args[1] -TrustRepository'; Unregister = 'Unregister-PSResourceRepository -Name $name' }
        @{ Tool = 'Save-Module'; Register = 'Register-PSRepository -Name $name -SourceLocation $args[0] -InstallationPolicy Trusted'
           Save = 'Save-Module -Name Outpost -Repository $name -Path $args[1]'; Unregister = 'Unregister-PSRepository -Name $name' }
    ) {
        $dest = Join-Path $TestDrive "saved-$Tool"
        $share = Join-Path $TestDrive "share-$Tool"
        New-Item -ItemType Directory $dest | Out-Null
        # A repository registered under a throw-away name and unregistered again: on Windows the
        # registration store is the user's own.
        $out = Invoke-FreshPwsh -Arguments $Repository, $dest -Script @"
`$ErrorActionPreference = 'Stop'
`$name = 'OutpostTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
$Register
try { $Save }
finally { $Unregister }
"@
        $manifest = Join-Path $dest "Outpost/$Version/Outpost.psd1"
        Test-Path -LiteralPath $manifest | Should -BeTrue -Because ($out -join "`n")
        $ran = Invoke-FreshPwsh -Script $DriveAJob -Arguments $manifest, $share
        $ran | Should -Contain 'ran:from-the-package'
        $ran | Should -Contain "base:$(Split-Path $manifest -Parent)"
    }

    Context 'into the per-user module path (redirected to $TestDrive)' {
        BeforeEach {
            if (-not $IsPosix) { Set-ItResult -Skipped -Because 'the per-user module path can be moved to a temporary folder only on Linux and macOS (XDG_DATA_HOME); Windows is covered by Save-PSResource and Save-Module' }
        }

        It 'Install-PSResource installs a copy that a fresh pwsh imports by name and runs a job with' {
            $share = Join-Path $TestDrive 'share-install-psresource'
            $out = Invoke-FreshPwsh -Arguments $Repository -Script @'
$ErrorActionPreference = 'Stop'
$name = 'OutpostTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
Register-PSResourceRepository -Name $name -Uri $args[0] -Trusted
try { Install-PSResource -Name Outpost -Repository $name -Scope CurrentUser -TrustRepository }
finally { Unregister-PSResourceRepository -Name $name }
'@
            $ran = Invoke-FreshPwsh -Script $DriveAJob -Arguments 'Outpost', $share
            $ran | Should -Contain 'ran:from-the-package' -Because ($out -join "`n")
            ($ran | Where-Object { $_ -like 'base:*' }) | Should -BeLike "base:$TestDrive*"
        }

        It 'Install-Module (PowerShellGet) installs a copy that a fresh pwsh imports by name and runs a job with' {
            $share = Join-Path $TestDrive 'share-install-module'
            $out = Invoke-FreshPwsh -Arguments $Repository -Script @'
$ErrorActionPreference = 'Stop'
Get-InstalledPSResource -Name Outpost -Scope CurrentUser -ErrorAction SilentlyContinue | Uninstall-PSResource -ErrorAction SilentlyContinue
$name = 'OutpostTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
Register-PSRepository -Name $name -SourceLocation $args[0] -InstallationPolicy Trusted
try { Install-Module -Name Outpost -Repository $name -Scope CurrentUser }
finally { Unregister-PSRepository -Name $name }
(Get-Module -ListAvailable Outpost).ModuleBase
'@
            ($out | Select-Object -Last 1) | Should -BeLike "$TestDrive*" -Because ($out -join "`n")
            $ran = Invoke-FreshPwsh -Script $DriveAJob -Arguments 'Outpost', $share
            $ran | Should -Contain 'ran:from-the-package'
            ($ran | Where-Object { $_ -like 'base:*' }) | Should -BeLike "base:$TestDrive*"
        }
    }
}
