using System;
using System.Management.Automation;
using System.Reflection;
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
    public abstract class OutpostJobBase : Job2
    {
        // Job.SetJobState(state, reason) is internal in every PowerShell (5.1 and 7), yet it is the only way
        // to fill JobStateInfo.Reason, which Get-Job, Wait-Job and scripts read. Without it: state only.
        private static readonly MethodInfo? SetJobStateWithReason = typeof(Job).GetMethod("SetJobState",
            BindingFlags.Instance | BindingFlags.NonPublic, null, new[] { typeof(JobState), typeof(Exception) }, null);

        private readonly ManualResetEventSlim _finished = new ManualResetEventSlim(false);
        private readonly CancellationTokenSource _abandon = new CancellationTokenSource();
        private volatile bool _stopRequested;

        protected OutpostJobBase(string command, string name, string typeName) : base(command, name)
        {
            PSJobTypeName = typeName;
        }

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

        public override void StopJob() => StopJob(false, null);

        public override void StopJobAsync() => StopJobAsync(false, null);

        /// <summary>Stop-Job calls this and waits for StopJobCompleted, so it must always be raised.</summary>
        public override void StopJobAsync(bool force, string? reason) =>
            ThreadPool.QueueUserWorkItem(_ =>
            {
                Exception? error = null;
                try { StopJob(force, reason); }
                catch (Exception e) { error = e; }
                OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(error, false, null));
            });

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
            if (reason != null && SetJobStateWithReason != null) SetJobStateWithReason.Invoke(this, new object[] { state, reason });
            else
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

        protected static bool IsFinishedState(JobState state) =>
            state == JobState.Completed || state == JobState.Failed || state == JobState.Stopped;

        public override void SuspendJob() => throw NotSupported("suspended");
        public override void SuspendJobAsync() => throw NotSupported("suspended");
        public override void SuspendJob(bool force, string? reason) => throw NotSupported("suspended");
        public override void SuspendJobAsync(bool force, string? reason) => throw NotSupported("suspended");
        public override void ResumeJob() => throw NotSupported("resumed");
        public override void ResumeJobAsync() => throw NotSupported("resumed");
        public override void UnblockJob() => throw NotSupported("unblocked");
        public override void UnblockJobAsync() => throw NotSupported("unblocked");

        private NotSupportedException NotSupported(string what) =>
            new NotSupportedException($"{PSJobTypeName} jobs cannot be {what}; use Suspend-OutpostResponder to pause a responder");

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
