using System;
using System.Management.Automation;
using System.Threading;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The parts of a PowerShell job that Outpost's two job kinds share. Outpost jobs cannot be
    /// suspended or blocked, so those operations say so instead of pretending.
    /// </summary>
    public abstract class OutpostJobBase : Job2
    {
        private readonly ManualResetEventSlim _finished = new ManualResetEventSlim(false);

        protected OutpostJobBase(string command, string name, string typeName) : base(command, name)
        {
            PSJobTypeName = typeName;
        }

        public override bool HasMoreData => Output.Count > 0 || Error.Count > 0 || Warning.Count > 0;

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
            SetJobState(JobState.Stopping);
            RequestStop();
            _finished.Wait();
        }

        /// <summary>Asks the work to stop; the work then calls <see cref="Finish"/>.</summary>
        protected abstract void RequestStop();

        protected void Finish(JobState state, Exception? reason = null)
        {
            // The reference assembly exposes no SetJobState(state, reason): the reason goes to the error stream.
            if (reason != null && state == JobState.Failed && Error.Count == 0)
                Error.Add(new ErrorRecord(reason, reason is Outpost.Core.OutpostException o ? o.ErrorId : "OutpostJobFailed",
                    ErrorCategory.NotSpecified, Name));
            SetJobState(state);
            _finished.Set();
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
            if (disposing) _finished.Dispose();
            base.Dispose(disposing);
        }
    }
}
