using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>Invoke-OutpostCommand -AsJob: the remote objects and records land in the job's streams as they arrive.</summary>
    public sealed class OutpostInvokeJob : OutpostJobBase, IRemoteStreams
    {
        private readonly OutpostTarget _target;
        private readonly RemoteInvocation _invocation;
        private readonly CancellationTokenSource _abandon = new CancellationTokenSource();
        private volatile bool _stopRequested;

        internal OutpostInvokeJob(string command, OutpostTarget target, RemoteInvocation invocation)
            : base(command, invocation.Job!.Stem, "OutpostInvoke")
        {
            _target = target;
            _invocation = invocation;
        }

        public OutpostJob OutpostJob => _invocation.Job!;
        public override string Location => _target.Name;
        public override string StatusMessage => OutpostJob.State.ToString();

        public override void Start()
        {
            SetJobState(JobState.Running);
            Task.Run(() =>
            {
                try
                {
                    var (finished, terminating) = _invocation.Play(this, null, _abandon.Token);
                    RemoteInvocation.ReportEnd(_target, finished, this);
                    if (terminating != null) { Error.Add(terminating); Finish(JobState.Failed); }
                    else if (_stopRequested && finished.Result!.Cancelled) Finish(JobState.Stopped);
                    else Finish(finished.Result!.Succeeded ? JobState.Completed : JobState.Failed);
                }
                catch (OperationCanceledException) { Finish(JobState.Stopped); }
                catch (OutpostException e)
                {
                    Error.Add(new ErrorRecord(e, e.ErrorId, ErrorCategory.ConnectionError, _target.Name));
                    Finish(JobState.Failed);
                }
                catch (Exception e) { Finish(JobState.Failed, e); }
            });
        }

        protected override void RequestStop()
        {
            _stopRequested = true;
            try { _target.Cancel(OutpostJob.Lane, OutpostJob.Stem); }
            catch (OutpostException) { _abandon.Cancel(); return; }
            _abandon.CancelAfter(TimeSpan.FromSeconds(60));
        }

        void IRemoteStreams.Output(object value) => Output.Add(PSObject.AsPSObject(value));
        void IRemoteStreams.Error(ErrorRecord record) => Error.Add(record);
        void IRemoteStreams.Warning(string message) => Warning.Add(new WarningRecord(message));
        void IRemoteStreams.Verbose(string message) => Verbose.Add(new VerboseRecord(message));
        void IRemoteStreams.Debug(string message) => Debug.Add(new DebugRecord(message));
        void IRemoteStreams.Information(InformationRecord record) => Information.Add(record);
        void IRemoteStreams.Text(string line) => Output.Add(PSObject.AsPSObject(line));

        protected override void Dispose(bool disposing)
        {
            if (disposing) _abandon.Dispose();
            base.Dispose(disposing);
        }
    }
}
