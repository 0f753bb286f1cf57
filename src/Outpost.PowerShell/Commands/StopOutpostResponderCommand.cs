using System.Management.Automation;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Creates the STOP sentinel: the responder finishes running jobs and exits 0. Nothing is deleted, so it
    /// asks no confirmation by default (Medium, as Stop-Service and Stop-Job).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "OutpostResponder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OutpostTargetStatus))]
    public sealed class StopOutpostResponderCommand : SentinelCmdlet
    {
        protected override string Action => "Stop the responder (STOP sentinel)";

        protected override void Apply(OutpostTarget target) => target.SetSentinel(Wire.StopSentinel);
    }
}
