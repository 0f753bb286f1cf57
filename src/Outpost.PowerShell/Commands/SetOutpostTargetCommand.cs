using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Config;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Changes a registered target's path, expected name or default status in targets.toml.</summary>
    [Cmdlet(VerbsCommon.Set, "OutpostTarget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(TargetEntry))]
    public sealed class SetOutpostTargetCommand : OutpostCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        [ValidateTargetName]
        public string Name { get; set; } = "";

        [Parameter(Position = 1)]
        public string? Path { get; set; }

        [Parameter]
        public string? ExpectedName { get; set; }

        [Parameter]
        public SwitchParameter Default { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        [Parameter]
        public string? RegistryPath { get; set; }

        protected override void ProcessRecord()
        {
            string file = RegistryFile(RegistryPath);
            try
            {
                var registry = TargetRegistry.Load(file);
                var entry = registry.Resolve(Name);
                if (entry.Source != "targets.toml" && Path == null)
                {
                    WriteError(Error("ScannedTarget", ErrorCategory.InvalidOperation,
                        $"target \"{Name}\" comes from scanning {entry.Source}; give -Path to pin it as an explicit entry", Name));
                    return;
                }
                string? share = Path == null ? null : GetUnresolvedProviderPathFromPSPath(Path);
                if (!ShouldProcess(file, $"Change target \"{Name}\"")) return;
                TargetRegistryFile.Edit(file, editor =>
                {
                    if (share != null || ExpectedName != null)
                        editor.SetTarget(Name, TargetRegistryFile.Fields(null, share ?? entry.Path, ExpectedName));
                    if (ExpectedName != null && ExpectedName.Length == 0) editor.RemoveKey(Name, "expected_name");
                    if (MyInvocation.BoundParameters.ContainsKey(nameof(Default))) editor.SetDefault(Default ? Name : (registry.Default == Name ? null : registry.Default));
                });
                if (PassThru) WriteObject(TargetRegistry.Load(file).Resolve(Name));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
