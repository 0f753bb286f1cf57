using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Invoke-OutpostCommand -AsJob: one parent job with a child job per destination, as Invoke-Command
    /// -AsJob gives. Receive-Job on it returns every child's results (each object tagged with its
    /// PSComputerName); it runs at most ThrottleLimit children at a time; it is Completed when all are,
    /// Failed when any failed (JobStateInfo.Reason is the first failure), Stopped after Stop-Job.
    /// </summary>
    public sealed class OutpostInvokeJob : OutpostInvokeJobBase
    {
        private readonly List<OutpostInvokeChildJob> _children;
        private readonly Queue<OutpostInvokeChildJob> _waiting;
        private readonly int _throttle;
        private readonly object _gate = new object();
        private readonly ManualResetEventSlim _finished = new ManualResetEventSlim(false);
        private int _running;
        private volatile bool _stopRequested;

        internal OutpostInvokeJob(string command, IReadOnlyList<OutpostInvokeChildJob> children, int throttle) : base(command, null, "OutpostInvoke")
        {
            _children = children.ToList();
            _waiting = new Queue<OutpostInvokeChildJob>(_children);
            _throttle = Math.Max(1, throttle);
            foreach (var child in _children)
            {
                ChildJobs.Add(child);
                child.StateChanged += OnChildStateChanged;
            }
        }

        public override string Location => string.Join(", ", _children.Select(c => c.Location));
        public override string StatusMessage => $"{_children.Count(c => IsFinished(c.JobStateInfo.State))}/{_children.Count} finished";
        public override bool HasMoreData => _children.Any(c => c.HasMoreData);

        public override void StartJob()
        {
            SetJobState(JobState.Running);
            if (_children.Count == 0) Conclude();
            else StartNext();
        }

        private void StartNext()
        {
            while (true)
            {
                OutpostInvokeChildJob next;
                lock (_gate)
                {
                    if (_stopRequested || _running >= _throttle || _waiting.Count == 0) return;
                    next = _waiting.Dequeue();
                    _running++;
                }
                next.StartJob();
            }
        }

        private void OnChildStateChanged(object? sender, JobStateEventArgs e)
        {
            if (!IsFinished(e.JobStateInfo.State)) return;
            lock (_gate)
            {
                if (e.PreviousJobStateInfo.State != JobState.NotStarted) _running--;
            }
            StartNext();
            if (_children.All(c => IsFinished(c.JobStateInfo.State))) Conclude();
        }

        private void Conclude()
        {
            lock (_gate)
            {
                if (_finished.IsSet) return;
                _finished.Set();
            }
            var failed = _children.FirstOrDefault(c => c.JobStateInfo.State == JobState.Failed);
            if (_stopRequested) SetJobState(JobState.Stopped);
            else if (failed != null)
            {
                SetFinalState(JobState.Failed, failed.JobStateInfo.Reason ?? new InvalidOperationException($"the command failed on {failed.Location}"));
            }
            else SetJobState(JobState.Completed);
        }

        public override void StopJob(bool force, string? reason)
        {
            if (IsFinished(JobStateInfo.State)) return;
            _stopRequested = true;
            SetJobState(JobState.Stopping);
            System.Threading.Tasks.Parallel.ForEach(_children, c => c.StopJob(force, reason));
            Conclude();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                foreach (var child in _children) child.Dispose();
                _finished.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
