using System.Linq;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Config;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Registers a target ([target.NAME] in targets.toml), leaving the rest of the file as it was.</summary>
    [Cmdlet(VerbsCommon.Add, "OutpostTarget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(TargetEntry))]
    public sealed class AddOutpostTargetCommand : OutpostCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateTargetName]
        public string Name { get; set; } = "";

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        public string Path { get; set; } = "";

        /// <summary>The responder_name the target must advertise; a different one makes it unavailable.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ExpectedName { get; set; }

        /// <summary>Make it the default target (used when -Target is omitted).</summary>
        [Parameter]
        public SwitchParameter Default { get; set; }

        [Parameter]
        public string? RegistryPath { get; set; }

        protected override void ProcessRecord()
        {
            string file = RegistryFile(RegistryPath);
            string share = GetUnresolvedProviderPathFromPSPath(Path);
            try
            {
                var registry = TargetRegistry.Load(file);
                if (registry.Targets.Any(t => t.Name == Name && t.Source == "targets.toml") || registry.Refused.ContainsKey(Name))
                {
                    WriteError(Error("TargetExists", ErrorCategory.ResourceExists,
                        $"target \"{Name}\" is already registered in {file}; use Set-OutpostTarget to change it", Name));
                    return;
                }
                if (!ShouldProcess(file, $"Add target \"{Name}\" → {share}")) return;
                // Registered anyway: the share may be a mount that is not up yet. Test-OutpostTarget says the same later.
                if (!System.IO.Directory.Exists(share))
                    WriteWarning($"{share} does not exist (yet); target \"{Name}\" is registered anyway. Check the mount, or run Test-OutpostTarget -Target {Name}");
                TargetRegistryFile.Edit(file, editor =>
                {
                    editor.SetTarget(Name, TargetRegistryFile.Fields("file", share, ExpectedName));
                    if (Default) editor.SetDefault(Name);
                });
                WriteObject(TargetRegistry.Load(file).Resolve(Name));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
