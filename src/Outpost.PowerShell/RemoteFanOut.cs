using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>
    /// One place a command runs. A target, addressed by registry name or by share path, is one kind; a
    /// session (New-OutpostSession) is meant to be another: it sends the same wrapper job, with its
    /// session header added in <see cref="Prepare"/>, to its target's share.
    /// </summary>
    internal abstract class RemoteDestination
    {
        protected RemoteDestination(OutpostTarget target, RemoteOrigin origin)
        {
            Target = target;
            Origin = origin;
        }

        public OutpostTarget Target { get; }
        public RemoteOrigin Origin { get; }

        /// <summary>Last changes to the job before it is submitted (a session names itself here).</summary>
        public virtual void Prepare(JobSubmission submission) { }

        /// <summary>The script sent for the wrapper (a session turns it into a command for its worker).</summary>
        public virtual string Wrap(string wrapper) => wrapper;

        /// <summary>
        /// The destination's own reading of how a job ended, in place of the generic one (a session reports
        /// its worker gone); null for the generic reading (timeout, cancel, exit code).
        /// </summary>
        public virtual ErrorRecord? EndedAs(OutpostJob job) => null;

        public RemoteInvocation Begin(RemoteCommand command) => new RemoteInvocation(this, command);
    }

    /// <summary>A target by name (-Target, PSComputerName is its name) or by share (-Path, PSComputerName is the path).</summary>
    internal sealed class TargetDestination : RemoteDestination
    {
        public TargetDestination(OutpostTarget target, string computerName) : base(target, new RemoteOrigin(target.Name, computerName)) { }
    }

    /// <summary>
    /// Runs one command on many destinations at once, at most ThrottleLimit at a time, each on its own
    /// thread, and hands everything they produce to the one thread that may write to the pipeline, in
    /// the order each destination produced it. One destination failing is its own error record; the
    /// others go on.
    /// </summary>
    internal sealed class RemoteFanOut : IDisposable
    {
        private readonly BlockingCollection<Action<IRemoteStreams>> _events = new BlockingCollection<Action<IRemoteStreams>>(boundedCapacity: 10_000);
        private readonly CancellationTokenSource _cancel;
        private readonly int _throttle;
        private readonly Queue<RemoteInvocation> _waiting = new Queue<RemoteInvocation>();
        private readonly List<RemoteInvocation> _all = new List<RemoteInvocation>();
        private readonly Action<RemoteInvocation, RemoteOutcome, IRemoteStreams> _finished;
        private int _running;
        private int _unfinished;

        /// <param name="finished">Called on the draining thread when a destination is done.</param>
        public RemoteFanOut(int throttle, CancellationToken stopping, Action<RemoteInvocation, RemoteOutcome, IRemoteStreams> finished)
        {
            _throttle = Math.Max(1, throttle);
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            _finished = finished;
        }

        public int Count { get { lock (_waiting) return _all.Count; } }

        public void Add(RemoteInvocation invocation)
        {
            lock (_waiting)
            {
                _all.Add(invocation);
                _unfinished++;
                _waiting.Enqueue(invocation);
            }
            StartWaiting();
        }

        /// <summary>Writes what has arrived; with <paramref name="untilDone"/>, blocks until every destination has finished.</summary>
        public void Drain(IRemoteStreams streams, bool untilDone)
        {
            while (true)
            {
                if (_events.TryTake(out var next, untilDone ? 100 : 0))
                {
                    next(streams);
                    continue;
                }
                if (!untilDone || Volatile.Read(ref _unfinished) == 0 && _events.Count == 0) return;
                _cancel.Token.ThrowIfCancellationRequested();
            }
        }

        /// <summary>Stops waiting everywhere and cancels every remote job that has not finished.</summary>
        public void CancelAll()
        {
            _cancel.Cancel();
            List<RemoteInvocation> all;
            lock (_waiting) all = new List<RemoteInvocation>(_all);
            Parallel.ForEach(all, i => i.CancelRemote());
        }

        private void StartWaiting()
        {
            while (true)
            {
                RemoteInvocation next;
                lock (_waiting)
                {
                    if (_running >= _throttle || _waiting.Count == 0) return;
                    next = _waiting.Dequeue();
                    _running++;
                }
                // A thread each: a run blocks while it decodes, and the pool grows too slowly for a fleet.
                Task.Factory.StartNew(() => RunOne(next), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }

        private void RunOne(RemoteInvocation invocation)
        {
            var streams = new QueuedStreams(_events, _cancel.Token);
            try
            {
                RemoteOutcome outcome;
                try { outcome = invocation.Run(streams, _cancel.Token); }
                catch (OperationCanceledException) { outcome = new RemoteOutcome { Cancelled = true, Failed = true }; }
                catch (Exception e) when (!(e is OutOfMemoryException))
                {
                    outcome = new RemoteOutcome { Failed = true, Reason = e };
                    streams.Error(new ErrorRecord(e, "RemoteInvocationFailed", ErrorCategories.Of(e), invocation.Origin.TargetName));
                }
                streams.Enqueue(s => _finished(invocation, outcome, s));
            }
            catch (OperationCanceledException) { } // stopping: nobody reads any more
            finally
            {
                lock (_waiting) _running--;
                Interlocked.Decrement(ref _unfinished);
                StartWaiting();
            }
        }

        public void Dispose() => _cancel.Dispose();

        /// <summary>Stream calls from a worker thread, queued for the thread that writes the pipeline.</summary>
        private sealed class QueuedStreams : IRemoteStreams
        {
            private readonly BlockingCollection<Action<IRemoteStreams>> _events;
            private readonly CancellationToken _cancel;

            public QueuedStreams(BlockingCollection<Action<IRemoteStreams>> events, CancellationToken cancel)
            {
                _events = events;
                _cancel = cancel;
            }

            public void Enqueue(Action<IRemoteStreams> action) => _events.Add(action, _cancel);
            public void Output(object? value) => Enqueue(s => s.Output(value));
            public void Error(ErrorRecord record) => Enqueue(s => s.Error(record));
            public void Warning(string message) => Enqueue(s => s.Warning(message));
            public void Verbose(string message) => Enqueue(s => s.Verbose(message));
            public void Debug(string message) => Enqueue(s => s.Debug(message));
            public void Information(InformationRecord record) => Enqueue(s => s.Information(record));
            public void Progress(ProgressRecord record) => Enqueue(s => s.Progress(record));
        }
    }
}
