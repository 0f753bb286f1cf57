using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Probing;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Prepares this host as a target: probes its interpreters (running a smoke test through each),
    /// writes &lt;root&gt;/&lt;id&gt;/outpost.toml and creates the share folders. -WhatIf shows the file it would write.
    /// </summary>
    [Cmdlet(VerbsData.Initialize, "OutpostTarget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(TargetInitPlan))]
    public sealed class InitializeOutpostTargetCommand : OutpostCmdlet
    {
        /// <summary>The target id (folder name); default -Name when it is a valid id, else &lt;os&gt;-&lt;arch&gt;.</summary>
        [Parameter(Position = 0)]
        [ValidateTargetName]
        public string? Id { get; set; }

        /// <summary>The target root; default OUTPOST_TARGET_ROOT, else ./targets.</summary>
        [Parameter]
        public string? Root { get; set; }

        /// <summary>The responder name to advertise; default the id.</summary>
        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        [ValidateRange(1, 64)]
        [Alias("Lanes")]
        public int LaneCount { get; set; } = 1;

        /// <summary>Replace an existing outpost.toml.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                WriteProgress(new ProgressRecord(0x0758, "Initialize-OutpostTarget", "probing interpreters (a smoke test through each)"));
                var probed = InterpreterProbe.Probe();
                WriteProgress(new ProgressRecord(0x0758, "Initialize-OutpostTarget", "done") { RecordType = ProgressRecordType.Completed });
                foreach (var p in probed)
                {
                    if (p.Works) WriteVerbose($"found {p}");
                    else WriteWarning($"{p.Program} ({p.Path}) did not pass its smoke test: {p.Error}; .{p.Extension} is left out");
                }
                // Relative roots (and the default ./targets) are relative to the PowerShell location, not the process's.
                string root = GetUnresolvedProviderPathFromPSPath(Root ?? (System.Environment.GetEnvironmentVariable("OUTPOST_TARGET_ROOT") is string r && r.Length > 0 ? r : "targets"));
                var plan = TargetInitializer.Plan(root, Id, Name, LaneCount, probed);
                if (plan.ConfigExists && !Force)
                {
                    WriteError(Error("TargetExists", ErrorCategory.ResourceExists, $"{plan.ConfigPath} already exists; use -Force to replace it", plan.ConfigPath));
                    return;
                }
                WriteVerbose($"{plan.ConfigPath}: {plan.Summary}");
                if (!ShouldProcess(plan.ConfigPath, $"Write outpost.toml ({plan.Summary}) and create the share {plan.Path}")) return;
                TargetInitializer.Apply(plan, Force);
                WriteObject(plan);
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
