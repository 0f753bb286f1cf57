using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.PowerShell.Commands;

namespace Outpost.PowerShell
{
    /// <summary>The responder-control cmdlets: each sets or clears one global sentinel on a target.</summary>
    public abstract class SentinelCmdlet : TargetCmdlet
    {
        /// <summary>Positional here (Stop-OutpostResponder vm1); the base declares -Path and the binding.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public new string? Target { get => base.Target; set => base.Target = value; }

        /// <summary>Emit the target's status after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected abstract string Action { get; }

        protected abstract void Apply(OutpostTarget target);

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                if (!ShouldProcess(target.Name, Action)) return;
                Apply(target);
                if (PassThru) WriteObject(target.Probe());
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }
    }
}
