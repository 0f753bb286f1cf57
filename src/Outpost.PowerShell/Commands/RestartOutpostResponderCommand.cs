using System.Management.Automation;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Creates the RESTART sentinel: the responder finishes running jobs and exits 75 for its supervisor to restart it.</summary>
    [Cmdlet(VerbsLifecycle.Restart, "OutpostResponder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OutpostTargetStatus))]
    public sealed class RestartOutpostResponderCommand : SentinelCmdlet
    {
        protected override string Action => "Restart the responder (RESTART sentinel)";

        protected override void Apply(OutpostTarget target) => target.SetSentinel(Wire.RestartSentinel);
    }
}
