using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Invoke-OutpostCommand -AsJob, one destination: a child job of <see cref="OutpostInvokeJob"/>, as
    /// Invoke-Command -AsJob has one child job per computer. The remote objects and records land in its
    /// streams as they arrive; Stop-Job cancels the remote job. Self-contained on purpose (derives
    /// OutpostInvokeJobBase), so it keeps working whatever the other Outpost job types share.
    /// </summary>
    public sealed class OutpostInvokeChildJob : OutpostInvokeJobBase, IRemoteStreams
    {
        private readonly RemoteInvocation _invocation;
        private readonly CancellationTokenSource _abandon = new CancellationTokenSource();
        private readonly ManualResetEventSlim _finished = new ManualResetEventSlim(false);
        private int _started;
        private volatile bool _stopRequested;

        internal OutpostInvokeChildJob(string command, RemoteInvocation invocation) : base(command, invocation.Origin.TargetName, "OutpostInvokeChild")
        {
            _invocation = invocation;
        }

        /// <summary>The Outpost job on the target, once submitted.</summary>
        public OutpostJob? OutpostJob => _invocation.Job;
        /// <summary>The target's name (PSComputerName of the output).</summary>
        public override string Location => _invocation.Origin.ComputerName;
        public override string StatusMessage => OutpostJob?.Stem ?? "";
        public override bool HasMoreData =>
            Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Information.Count > 0;

        public override void StartJob()
        {
            if (Interlocked.Exchange(ref _started, 1) == 1) return;
            SetJobState(JobState.Running);
            Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private void Run()
        {
            RemoteOutcome outcome;
            try { outcome = _invocation.Run(this, _abandon.Token); }
            catch (OperationCanceledException) { outcome = new RemoteOutcome { Cancelled = true }; }
            catch (Exception e) when (!(e is OutOfMemoryException)) { outcome = new RemoteOutcome { Failed = true, Reason = e }; }
            if (outcome.Terminating != null) Error.Add(outcome.Terminating);
            if (_stopRequested && (outcome.Cancelled || _abandon.IsCancellationRequested)) Finish(JobState.Stopped, null);
            else if (outcome.Failed) Finish(JobState.Failed, outcome.Reason);
            else Finish(JobState.Completed, null);
        }

        private void Finish(JobState state, Exception? reason)
        {
            SetFinalState(state, reason);
            _finished.Set();
        }

        public override void StopJob(bool force, string? reason)
        {
            if (IsFinished(JobStateInfo.State)) return;
            _stopRequested = true;
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                Finish(JobState.Stopped, null); // never started: nothing was sent
                return;
            }
            SetJobState(JobState.Stopping);
            _invocation.CancelRemote();
            // The cancel normally comes back as a 126 result; a target that does not answer is given up on.
            _abandon.CancelAfter(force ? TimeSpan.Zero : TimeSpan.FromSeconds(60));
            _finished.Wait();
        }

        void IRemoteStreams.Output(object? value) => Output.Add(value == null ? null : PSObject.AsPSObject(value));
        void IRemoteStreams.Error(ErrorRecord record) => Error.Add(record);
        void IRemoteStreams.Warning(string message) => Warning.Add(new WarningRecord(message));
        void IRemoteStreams.Verbose(string message) => Verbose.Add(new VerboseRecord(message));
        void IRemoteStreams.Debug(string message) => Debug.Add(new DebugRecord(message));
        void IRemoteStreams.Information(InformationRecord record) => Information.Add(record);
        void IRemoteStreams.Progress(ProgressRecord record) => Progress.Add(record);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _abandon.Dispose();
                _finished.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
