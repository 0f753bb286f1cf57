using System;
using System.Collections.Generic;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell.Commands
{
    /// <summary>Waits for jobs from the pipeline and emits each with its Result as it finishes.</summary>
    [Cmdlet(VerbsLifecycle.Wait, "OutpostJob")]
    [OutputType(typeof(OutpostJob))]
    public sealed class WaitOutpostJobCommand : JobCmdlet
    {
        private readonly List<(OutpostTarget, OutpostJob)> _jobs = new List<(OutpostTarget, OutpostJob)>();

        /// <summary>Seconds to wait in all; unset waits until every job finishes.</summary>
        [Parameter]
        [Alias("TimeoutSec")]
        [ValidateRange(0, int.MaxValue)]
        public int Timeout { get; set; } = -1;

        protected override void ProcessRecord()
        {
            try
            {
                var target = ResolveTarget(Target, Path);
                _jobs.Add((target, target.GetJob(Lane, Stem)));
            }
            catch (OutpostException e)
            {
                WriteFailure(e);
            }
        }

        protected override void EndProcessing()
        {
            TimeSpan? timeout = Timeout >= 0 ? TimeSpan.FromSeconds(Timeout) : (TimeSpan?)null;
            new JobWaiting(WriteObject, WriteFailure, WriteProgress).Run(_jobs, timeout, CancelToken);
        }
    }
}
