using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.PowerShell.Commands;

namespace Outpost.PowerShell
{
    /// <summary>The responder-control cmdlets: each sets or clears one global sentinel on a target.</summary>
    public abstract class SentinelCmdlet : OutpostCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TargetNameCompleter))]
        public string? Target { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Path { get; set; }

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
