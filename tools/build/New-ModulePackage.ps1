<#
.SYNOPSIS
    Packs a built module folder into <Name>.<ModuleVersion>.nupkg with PowerShell's own publishing.
.DESCRIPTION
    Publishes the folder with Publish-PSResource to a temporary folder repository (registered under a
    throw-away name and unregistered afterwards) and copies the package it wrote to -OutputFolder, so the
    package is exactly what the PowerShell Gallery would receive from `Publish-PSResource`. Needs
    Microsoft.PowerShell.PSResourceGet (in PowerShell 7.4 and later). Writes the package's full path.
.EXAMPLE
    ./tools/build/New-ModulePackage.ps1 -ModuleFolder out/Outpost -OutputFolder out
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [Parameter(Mandatory)] [string] $OutputFolder
)
$ErrorActionPreference = 'Stop'
$ModuleFolder = (Resolve-Path -LiteralPath $ModuleFolder).ProviderPath
$name = Split-Path $ModuleFolder -Leaf
$manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $ModuleFolder "$name.psd1")
$version = $manifest.ModuleVersion

$repositoryFolder = Join-Path ([IO.Path]::GetTempPath()) ("outpost-publish-" + [guid]::NewGuid().ToString('N'))
$repositoryName = 'OutpostBuild' + [guid]::NewGuid().ToString('N').Substring(0, 8)
New-Item -ItemType Directory -Path $repositoryFolder | Out-Null
try {
    Register-PSResourceRepository -Name $repositoryName -Uri $repositoryFolder -Trusted
    Publish-PSResource -Path $ModuleFolder -Repository $repositoryName
    $package = Join-Path $repositoryFolder "$name.$version.nupkg"
    if (-not (Test-Path -LiteralPath $package)) { throw "Publish-PSResource wrote no $name.$version.nupkg in $repositoryFolder" }
    New-Item -ItemType Directory -Path $OutputFolder -Force | Out-Null
    Copy-Item -LiteralPath $package -Destination $OutputFolder -Force
    (Resolve-Path -LiteralPath (Join-Path $OutputFolder "$name.$version.nupkg")).ProviderPath
}
finally {
    Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $repositoryFolder -Recurse -Force -ErrorAction SilentlyContinue
}
