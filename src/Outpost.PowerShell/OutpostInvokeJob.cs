using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Threading;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Invoke-OutpostCommand -AsJob: one parent job with a child job per destination, as Invoke-Command
    /// -AsJob gives. Receive-Job on it returns every child's results (each object tagged with its
    /// PSComputerName); it runs at most ThrottleLimit children at a time; it is Completed when all are,
    /// Failed when any failed (JobStateInfo.Reason is the first failure), Stopped after Stop-Job.
    /// </summary>
    public sealed class OutpostInvokeJob : Job2
    {
        private static readonly MethodInfo? SetStateWithReason = typeof(Job2).GetMethod("SetJobState",
            BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, new[] { typeof(JobState), typeof(Exception) }, null);

        private readonly List<OutpostInvokeChildJob> _children;
        private readonly Queue<OutpostInvokeChildJob> _waiting;
        private readonly int _throttle;
        private readonly object _gate = new object();
        private readonly ManualResetEventSlim _finished = new ManualResetEventSlim(false);
        private int _running;
        private volatile bool _stopRequested;

        internal OutpostInvokeJob(string command, IReadOnlyList<OutpostInvokeChildJob> children, int throttle) : base(command)
        {
            PSJobTypeName = "OutpostInvoke";
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
        public override string StatusMessage => $"{_children.Count(c => OutpostInvokeChildJob.IsFinished(c.JobStateInfo.State))}/{_children.Count} finished";
        public override bool HasMoreData => _children.Any(c => c.HasMoreData);

        public override void StartJob()
        {
            SetJobState(JobState.Running);
            if (_children.Count == 0) Conclude();
            else StartNext();
        }

        public override void StartJobAsync()
        {
            StartJob();
            OnStartJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(null, false, null));
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
            if (!OutpostInvokeChildJob.IsFinished(e.JobStateInfo.State)) return;
            lock (_gate)
            {
                if (e.PreviousJobStateInfo.State != JobState.NotStarted) _running--;
            }
            StartNext();
            if (_children.All(c => OutpostInvokeChildJob.IsFinished(c.JobStateInfo.State))) Conclude();
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
                var reason = failed.JobStateInfo.Reason ?? new InvalidOperationException($"the command failed on {failed.Location}");
                try { SetStateWithReason?.Invoke(this, new object[] { JobState.Failed, reason }); }
                catch (TargetInvocationException) { }
                if (JobStateInfo.State != JobState.Failed) SetJobState(JobState.Failed);
            }
            else SetJobState(JobState.Completed);
        }

        public override void StopJob() => StopJob(false, null);

        public override void StopJob(bool force, string? reason)
        {
            if (OutpostInvokeChildJob.IsFinished(JobStateInfo.State)) return;
            _stopRequested = true;
            SetJobState(JobState.Stopping);
            System.Threading.Tasks.Parallel.ForEach(_children, c => c.StopJob(force, reason));
            Conclude();
        }

        public override void StopJobAsync() => StopJobAsync(false, null);

        public override void StopJobAsync(bool force, string? reason) =>
            ThreadPool.QueueUserWorkItem(_ =>
            {
                Exception? error = null;
                try { StopJob(force, reason); }
                catch (Exception e) { error = e; }
                OnStopJobCompleted(new System.ComponentModel.AsyncCompletedEventArgs(error, false, null));
            });

        public override void SuspendJob() => throw NotSupported();
        public override void SuspendJobAsync() => throw NotSupported();
        public override void SuspendJob(bool force, string? reason) => throw NotSupported();
        public override void SuspendJobAsync(bool force, string? reason) => throw NotSupported();
        public override void ResumeJob() => throw NotSupported();
        public override void ResumeJobAsync() => throw NotSupported();
        public override void UnblockJob() => throw NotSupported();
        public override void UnblockJobAsync() => throw NotSupported();

        private static NotSupportedException NotSupported() =>
            new NotSupportedException("Invoke-OutpostCommand jobs cannot be suspended, resumed or unblocked; Stop-Job cancels them");

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
