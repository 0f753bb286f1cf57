using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Config;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Unregisters a target: removes its [target.NAME] table (and the default key if it named it).</summary>
    [Cmdlet(VerbsCommon.Remove, "OutpostTarget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveOutpostTargetCommand : OutpostCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string Name { get; set; } = "";

        [Parameter]
        public string? RegistryPath { get; set; }

        protected override void ProcessRecord()
        {
            string file = RegistryFile(RegistryPath);
            try
            {
                var registry = TargetRegistry.Load(file);
                var entry = registry.Resolve(Name);
                if (entry.Source != "targets.toml")
                {
                    WriteError(Error("ScannedTarget", ErrorCategory.InvalidOperation,
                        $"target \"{Name}\" is found by scanning {entry.Source}, not written in {file}; remove its folder or its outpost.toml instead", Name));
                    return;
                }
                if (!ShouldProcess(file, $"Remove target \"{Name}\"")) return;
                TargetRegistryFile.Edit(file, editor =>
                {
                    editor.RemoveTarget(Name);
                    if (registry.Default == Name) editor.SetDefault(null);
                });
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
