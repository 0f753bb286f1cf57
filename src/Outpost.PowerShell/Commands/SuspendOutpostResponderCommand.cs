using System.Management.Automation;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Creates the PAUSE sentinel: lanes finish their running job and dispatch nothing more.</summary>
    [Cmdlet(VerbsLifecycle.Suspend, "OutpostResponder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OutpostTargetStatus))]
    public sealed class SuspendOutpostResponderCommand : SentinelCmdlet
    {
        protected override string Action => "Pause dispatch (PAUSE sentinel)";

        protected override void Apply(OutpostTarget target) => target.SetSentinel(Wire.PauseSentinel);
    }
}
