using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Submit-OutpostJob -AsJob: a PowerShell job over one Outpost job. Receive-Job gives its stdout
    /// lines (stderr lines as errors), Stop-Job cancels it on the target, Wait-Job waits for its result.
    /// </summary>
    public sealed class OutpostSubmitJob : OutpostJobBase
    {
        private readonly OutpostTarget _target;

        public OutpostSubmitJob(string command, OutpostTarget target, OutpostJob job)
            : base(command, job.Stem, "OutpostJob")
        {
            _target = target;
            OutpostJob = job;
        }

        /// <summary>The Outpost job, with its Result once it has finished.</summary>
        public OutpostJob OutpostJob { get; private set; }

        public override string Location => OutpostJob.Target;

        public override string StatusMessage =>
            OutpostJob.Result is { } r ? $"exit {r.ExitCode}" : OutpostJob.State.ToString();

        public override void Start()
        {
            SetJobState(JobState.Running);
            Task.Run(RunAsync);
        }

        private async Task RunAsync()
        {
            try
            {
                var done = await _target.WaitAsync(OutpostJob, null, Abandoned).ConfigureAwait(false);
                OutpostJob = done;
                using (var stdout = _target.OpenOutput(done, OutputStreamKind.Stdout))
                    foreach (string line in OutputText.ReadLines(stdout, new System.Text.UTF8Encoding(false)))
                        Output.Add(PSObject.AsPSObject(line));
                using (var stderr = _target.OpenOutput(done, OutputStreamKind.Stderr))
                    foreach (string line in OutputText.ReadLines(stderr, new System.Text.UTF8Encoding(false)))
                        Error.Add(StderrRecord.For(line, done.Stem));
                var result = done.Result!;
                if (result.TruncatedReason.Length > 0) Warning.Add(new WarningRecord($"job {done.Stem}: the output is truncated: {result.TruncatedReason}"));
                if (StopRequested && result.Cancelled) Finish(JobState.Stopped);
                else if (result.Succeeded) Finish(JobState.Completed);
                else Fail(new OutpostException(
                    result.TimedOut ? "JobTimedOut" : result.Cancelled ? "JobCancelled" : "JobFailed",
                    result.TimedOut ? OutpostErrorKind.Timeout : OutpostErrorKind.InvalidOperation,
                    $"job {done.Stem} on {done.Target} ended with exit {result.ExitCode}" +
                    (result.TimedOut ? " (timed out)" : result.Cancelled ? " (cancelled)" : ""), done));
            }
            catch (OperationCanceledException)
            {
                Finish(JobState.Stopped);
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }

        /// <summary>Stop-Job cancels the job on the target and waits (up to a minute) for its 126 result.</summary>
        protected override void RequestStop() => CancelOnTarget(_target, OutpostJob);
    }
}
