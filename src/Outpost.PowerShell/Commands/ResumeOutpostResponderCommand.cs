using System.Management.Automation;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Removes the PAUSE sentinel: lanes take jobs again.</summary>
    [Cmdlet(VerbsLifecycle.Resume, "OutpostResponder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(OutpostTargetStatus))]
    public sealed class ResumeOutpostResponderCommand : SentinelCmdlet
    {
        protected override string Action => "Resume dispatch (remove PAUSE sentinel)";

        protected override void Apply(OutpostTarget target) => target.ClearSentinel(Wire.PauseSentinel);
    }
}
