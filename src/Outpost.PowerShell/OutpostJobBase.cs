using System;
using System.Management.Automation;
using System.Threading;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The parts of a PowerShell job that Outpost's job kinds share, done the way ThreadJob does them: the
    /// failure reason in JobStateInfo.Reason (and once in the error stream), HasMoreData over every stream,
    /// and one stop path (Stop-Job → <see cref="RequestStop"/> → the work calls <see cref="Finish"/>).
    /// Outpost jobs cannot be suspended or blocked, so those operations say so instead of pretending.
    /// </summary>
    public abstract class OutpostJobBase : OutpostJob2
    {
        private readonly ManualResetEventSlim _finished = new ManualResetEventSlim(false);
        private readonly CancellationTokenSource _abandon = new CancellationTokenSource();
        private volatile bool _stopRequested;

        protected OutpostJobBase(string command, string name, string typeName) : base(command, name, typeName) { }

        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0
            || Information.Count > 0 || Progress.Count > 0;

        /// <summary>Stop-Job was called: a job that then ends cancelled ends Stopped, not Failed.</summary>
        protected bool StopRequested => _stopRequested;

        /// <summary>Tripped when the job should stop waiting (at once, or after a grace period).</summary>
        protected CancellationToken Abandoned => _abandon.Token;

        /// <summary>Stop waiting now, or after <paramref name="grace"/>.</summary>
        protected void Abandon(TimeSpan? grace = null)
        {
            try
            {
                if (grace.HasValue) _abandon.CancelAfter(grace.Value);
                else _abandon.Cancel();
            }
            catch (ObjectDisposedException) { }
        }

        /// <summary>
        /// Stop for a job that lives on a target: ask the target to cancel it and give the responder a minute
        /// to publish its 126 result; when the cancel cannot even be written, stop waiting at once.
        /// </summary>
        protected void CancelOnTarget(OutpostTarget target, OutpostJob job)
        {
            try { target.Cancel(job.Lane, job.Stem); }
            catch (OutpostException)
            {
                Abandon();
                return;
            }
            Abandon(TimeSpan.FromSeconds(60));
        }

        public override void StartJob() => Start();

        public override void StartJobAsync()
        {
            Start();
            OnStartJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
        }

        /// <summary>Begins the job's work on a background thread.</summary>
        public abstract void Start();

        public override void StopJob(bool force, string? reason)
        {
            if (IsFinishedState(JobStateInfo.State)) return;
            _stopRequested = true;
            SetJobState(JobState.Stopping);
            RequestStop();
            _finished.Wait();
        }

        /// <summary>Asks the work to stop; the work then calls <see cref="Finish"/>.</summary>
        protected abstract void RequestStop();

        /// <summary>
        /// Ends the job. A failure's reason lands in JobStateInfo.Reason, which Receive-Job reports itself (as
        /// JobStateFailed, the reason as its exception), so it is not also put in the error stream, as ThreadJob
        /// does. Only where the reason cannot be set does it go to the error stream instead.
        /// </summary>
        protected void Finish(JobState state, Exception? reason = null)
        {
            if (reason == null || !TrySetStateWithReason(state, reason))
            {
                if (reason != null && state == JobState.Failed && !Reported(reason))
                    Error.Add(ErrorCategories.Record(reason, "OutpostJobFailed", Name));
                SetJobState(state);
            }
            _finished.Set();
        }

        /// <summary>Fails the job with <paramref name="reason"/> as its one error.</summary>
        protected void Fail(Exception reason) => Finish(JobState.Failed, reason);

        private bool Reported(Exception reason)
        {
            foreach (var record in Error)
                if (ReferenceEquals(record.Exception, reason)) return true;
            return false;
        }

        protected override string InsteadOfSuspending => "use Suspend-OutpostResponder to pause a responder";

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _finished.Dispose();
                _abandon.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
