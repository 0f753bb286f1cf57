using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;

namespace Outpost.Core.Sessions
{
    /// <summary>
    /// The responder's sessions: one worker per session id, opened by a command that says so, ended by
    /// idle time, by a close command, or by a command that timed out or was cancelled. A command for a
    /// session whose worker is gone (ended, crashed, or lost with a previous responder) is refused as
    /// broken with the reason; a session is never silently replaced by a fresh, empty one.
    /// </summary>
    public sealed class SessionHost : IDisposable
    {
        private const int RememberedEnds = 1000;

        private readonly object _gate = new object();
        private readonly Dictionary<string, SessionWorker> _live = new Dictionary<string, SessionWorker>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _ended = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly Queue<string> _endedOrder = new Queue<string>();
        private readonly string _folder;
        private readonly Timer _idle;
        private SessionSettings _settings;
        private bool _disposed;

        /// <param name="folder">The responder's private script folder (0700).</param>
        public SessionHost(SessionSettings settings, string folder)
        {
            _settings = settings;
            _folder = folder;
            _idle = new Timer(_ => EndIdleSessions(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }

        /// <summary>Said when a session ends on its own (idle, crash), for the responder's log.</summary>
        public Action<string>? Note { get; set; }

        public SessionSettings Settings
        {
            get { lock (_gate) return _settings; }
            set { lock (_gate) _settings = value; }
        }

        /// <summary>Live sessions: id → worker process id (tests and the benchmark).</summary>
        public IReadOnlyDictionary<string, int> Workers
        {
            get { lock (_gate) return _live.ToDictionary(s => s.Key, s => s.Value.ProcessId); }
        }

        public async Task<DispatchOutcome> RunAsync(SessionDirective directive, DispatchRequest request, Interpreter interpreter,
            TimeSpan timeout, CancellationToken cancel, CancellationToken interrupt)
        {
            var outcome = new DispatchOutcome { Started = DateTime.UtcNow };
            if (directive.Error != null) return SessionWorker.Fail(outcome, request, directive.Error);
            if (directive.Close) return Close(directive.Id, request, outcome);
            SessionWorker? worker;
            string? refusal;
            lock (_gate)
            {
                refusal = directive.Open ? OpenLocked(directive, request, interpreter, out worker) : FindLocked(directive.Id, out worker);
            }
            if (refusal != null) return SessionWorker.Fail(outcome, request, refusal);
            await worker!.RunAsync(request, timeout, outcome, cancel, interrupt).ConfigureAwait(false);
            if (worker.EndReason != null) End(worker, worker.EndReason);
            outcome.Finished = DateTime.UtcNow;
            return outcome;
        }

        private string? OpenLocked(SessionDirective directive, DispatchRequest request, Interpreter interpreter, out SessionWorker? worker)
        {
            worker = null;
            if (_disposed) return "refused: the responder is stopping";
            if (!_settings.Enabled) return "refused: sessions are turned off on this responder ([sessions] enabled = false)";
            if (_live.ContainsKey(directive.Id) || _ended.ContainsKey(directive.Id))
                return $"refused: session {directive.Id} was already opened here; open a new session";
            if (_live.Count >= _settings.MaxSessions)
                return $"refused: this responder already has {_live.Count} open sessions, its limit ([sessions] max = {_settings.MaxSessions}); remove one first";
            TimeSpan idle = directive.IdleTimeoutSeconds > 0 && TimeSpan.FromSeconds(directive.IdleTimeoutSeconds) < _settings.MaxIdleTimeout
                ? TimeSpan.FromSeconds(directive.IdleTimeoutSeconds) : _settings.MaxIdleTimeout;
            try
            {
                worker = SessionWorker.Start(directive.Id, interpreter, _folder, request.WorkingDirectory, idle);
            }
            catch (Exception e) when (e is Win32Exception || e is IOException || e is InvalidOperationException || e is UnauthorizedAccessException)
            {
                return $"failed to start a session worker ({interpreter.Path}): {e.Message}";
            }
            _live[directive.Id] = worker;
            var started = worker;
            worker.Exited.ContinueWith(_ => End(started, "its worker process ended"), TaskScheduler.Default);
            return null;
        }

        private string? FindLocked(string id, out SessionWorker? worker)
        {
            if (_live.TryGetValue(id, out worker)) return null;
            return _ended.TryGetValue(id, out string? why)
                ? $"session {id} is broken: {why}"
                : $"session {id} is broken: this responder has no such session (it was started after the session was opened, " +
                  "so the session's worker and its state are gone); remove the session and open a new one";
        }

        private DispatchOutcome Close(string id, DispatchRequest request, DispatchOutcome outcome)
        {
            SessionWorker? worker;
            lock (_gate) _live.TryGetValue(id, out worker);
            if (worker != null) End(worker, "it was removed");
            outcome.ExitCode = 0;
            outcome.Finished = DateTime.UtcNow;
            return outcome;
        }

        /// <summary>Forgets the worker (remembering why, for later commands) and stops it.</summary>
        private void End(SessionWorker worker, string why)
        {
            lock (_gate)
            {
                if (!_live.TryGetValue(worker.Id, out var current) || current != worker) return;
                _live.Remove(worker.Id);
                worker.EndReason ??= why;
                _ended[worker.Id] = worker.EndReason;
                _endedOrder.Enqueue(worker.Id);
                while (_endedOrder.Count > RememberedEnds) _ended.Remove(_endedOrder.Dequeue());
            }
            Note?.Invoke($"session {worker.Id} ended: {worker.EndReason}");
            worker.Kill();
            // A command still waiting its turn sees the ended pipe and reports the session broken.
        }

        private void EndIdleSessions()
        {
            List<SessionWorker> idle;
            lock (_gate)
            {
                if (_disposed) return;
                DateTime now = DateTime.UtcNow;
                idle = _live.Values.Where(w => !w.Busy && now - w.LastUsed > w.IdleTimeout).ToList();
            }
            foreach (var worker in idle) End(worker, $"it was idle for more than {worker.IdleTimeout.TotalSeconds:0} s and its worker was ended");
        }

        public void Dispose()
        {
            List<SessionWorker> left;
            lock (_gate)
            {
                _disposed = true;
                left = _live.Values.ToList();
                _live.Clear();
            }
            _idle.Dispose();
            foreach (var worker in left) worker.Dispose();
        }
    }
}
