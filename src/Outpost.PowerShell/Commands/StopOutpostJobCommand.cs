using System.Collections.Generic;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Cancels jobs: a queued job is skipped, a running one is killed with its process tree (exit 126).</summary>
    [Cmdlet(VerbsLifecycle.Stop, "OutpostJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(OutpostJob))]
    public sealed class StopOutpostJobCommand : JobCmdlet
    {
        private readonly List<(OutpostTarget, OutpostJob)> _cancelled = new List<(OutpostTarget, OutpostJob)>();

        /// <summary>Wait for the cancelled result (exit 126) and emit the job with it.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                var job = target.GetJob(Lane, Stem);
                if (job.IsFinished || job.State == OutpostJobState.Archived)
                {
                    WriteWarning($"job {Stem} on {target.Name} has already finished ({job.State}); nothing to cancel");
                    if (PassThru || Wait) WriteObject(job);
                    return;
                }
                if (!ShouldProcess($"{Stem} on {target.Name}", "Cancel job")) return;
                target.Cancel(job.Lane, job.Stem);
                if (!target.Probe().Alive)
                    WriteWarning($"no responder is serving {target.Name}: the cancel of {Stem} is pending (Get-OutpostJob shows it) and takes effect when one starts");
                if (Wait) _cancelled.Add((target, job));
                else if (PassThru) WriteObject(target.GetJob(Lane, Stem));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }

        protected override void EndProcessing()
        {
            if (_cancelled.Count > 0)
                new JobWaiting(WriteObject, WriteFailure, WriteProgress).Run(_cancelled, null, CancelToken);
        }
    }
}
