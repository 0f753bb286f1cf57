using System;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Deletes a finished job's result files and archived job file.</summary>
    [Cmdlet(VerbsCommon.Remove, "OutpostJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveOutpostJobCommand : JobCmdlet
    {
        /// <summary>Withdraw a queued job, or cancel a running one and wait for it, before removing it.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                var job = target.GetJob(Lane, Stem);
                bool unfinished = job.State == OutpostJobState.Queued || job.State == OutpostJobState.Running;
                if (unfinished && !Force)
                {
                    WriteError(Error("JobNotFinished", ErrorCategory.InvalidOperation,
                        $"job {Stem} on {target.Name} is {job.State.ToString().ToLowerInvariant()}; use -Force to cancel it and remove it", Stem));
                    return;
                }
                string action = unfinished ? $"Cancel and remove {job.State.ToString().ToLowerInvariant()} job" : "Remove job and its results";
                if (!ShouldProcess($"{Stem} on {target.Name}", action)) return;
                if (unfinished && !target.Withdraw(job))
                {
                    target.Cancel(job.Lane, job.Stem);
                    job = target.WaitAsync(job, TimeSpan.FromSeconds(60), CancelToken).GetAwaiter().GetResult();
                }
                target.Remove(job);
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
