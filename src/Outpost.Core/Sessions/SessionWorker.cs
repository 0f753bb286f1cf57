using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;

namespace Outpost.Core.Sessions
{
    /// <summary>
    /// One session's worker process. Commands take turns (one at a time, in the order they arrive);
    /// a command that times out or is cancelled ends the worker with it, because a pipeline cannot be
    /// stopped from outside without risking the state it leaves half-changed.
    /// </summary>
    internal sealed class SessionWorker : IDisposable
    {
        private readonly ProcessTree _tree;
        private readonly MarkedStream _stdout;
        private readonly MarkedStream _stderr;
        private readonly SemaphoreSlim _turn = new SemaphoreSlim(1, 1);
        private readonly string _folder;
        private int _busy;

        private SessionWorker(string id, ProcessTree tree, TimeSpan idleTimeout, string folder)
        {
            Id = id;
            _tree = tree;
            IdleTimeout = idleTimeout;
            _folder = folder;
            _stdout = new MarkedStream(tree.StandardOutput);
            _stderr = new MarkedStream(tree.StandardError);
            LastUsed = DateTime.UtcNow;
        }

        public string Id { get; }
        public TimeSpan IdleTimeout { get; }
        public DateTime LastUsed { get; private set; }
        public bool Busy => Volatile.Read(ref _busy) > 0;
        public int ProcessId => _tree.Id;
        public Task Exited => _tree.Exited;
        /// <summary>Set once the worker is gone: why its session is broken.</summary>
        public string? EndReason { get; set; }

        public static SessionWorker Start(string id, Interpreter interpreter, string folder, string workingDirectory, TimeSpan idleTimeout)
        {
            string loop = SessionWorkerScript.EnsureWritten(folder);
            var arguments = interpreter.Arguments.Concat(new[] { loop }).ToList();
            var tree = ProcessTree.Start(interpreter.Path, arguments, workingDirectory, keepInput: true);
            return new SessionWorker(id, tree, idleTimeout, folder);
        }

        /// <summary>Runs one command; the worker's end (if the command ended it) is in <see cref="EndReason"/>.</summary>
        public async Task<DispatchOutcome> RunAsync(DispatchRequest request, TimeSpan timeout, DispatchOutcome outcome,
            CancellationToken cancel, CancellationToken interrupt)
        {
            Interlocked.Increment(ref _busy);
            await _turn.WaitAsync(interrupt).ConfigureAwait(false);
            string script = Path.Combine(_folder, request.Stem + ".session.ps1");
            try
            {
                File.WriteAllBytes(script, request.Content);
                Transport.UnixFile.TrySetMode(script, Convert.ToInt32("600", 8));
                string marker = "OUTPOST-SESSION-END-" + Guid.NewGuid().ToString("N");
                if (!TrySend(marker + " " + Convert.ToBase64String(new UTF8Encoding(false).GetBytes(script)) + "\n"))
                {
                    EndReason ??= "its worker process has ended";
                    return Fail(outcome, request, $"session {Id} is broken: {EndReason}");
                }
                await Supervise(marker, request, timeout, outcome, cancel, interrupt).ConfigureAwait(false);
                return outcome;
            }
            finally
            {
                Transport.AtomicFile.TryDelete(script);
                LastUsed = DateTime.UtcNow;
                _turn.Release();
                Interlocked.Decrement(ref _busy);
            }
        }

        private async Task Supervise(string marker, DispatchRequest request, TimeSpan timeout, DispatchOutcome outcome,
            CancellationToken cancel, CancellationToken interrupt)
        {
            Task<string?> copyOut = _stdout.CopyUntilAsync(marker, request.StdoutPath, request.OutputCap, CancellationToken.None);
            Task<string?> copyErr = _stderr.CopyUntilAsync(marker, request.StderrPath, request.OutputCap, CancellationToken.None);
            Task finished = Task.WhenAll(copyOut, copyErr);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel, interrupt);
            limit.CancelAfter(timeout);
            var stopped = new TaskCompletionSource<bool>();
            using (limit.Token.Register(() => stopped.TrySetResult(true)))
            {
                if (await Task.WhenAny(finished, stopped.Task).ConfigureAwait(false) != finished)
                {
                    if (interrupt.IsCancellationRequested) outcome.Interrupted = true;
                    else if (cancel.IsCancellationRequested) outcome.Cancelled = true;
                    else outcome.TimedOut = true;
                    EndReason = outcome.TimedOut ? $"command {request.Stem} timed out and its worker was stopped with it"
                        : outcome.Cancelled ? $"command {request.Stem} was cancelled and its worker was stopped with it"
                        : "the responder was stopped while it ran a command";
                    Kill();
                    await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
                }
            }
            string? trailer = copyOut.IsCompleted ? copyOut.Result : null;
            outcome.StdoutBytes = _stdout.BytesWritten;
            outcome.StderrBytes = _stderr.BytesWritten;
            outcome.StdoutTruncated = _stdout.Truncated;
            outcome.StderrTruncated = _stderr.Truncated;
            if (outcome.TimedOut) outcome.ExitCode = Wire.ExitTimeout;
            else if (outcome.Cancelled) outcome.ExitCode = Wire.ExitCancelled;
            else if (outcome.Interrupted) outcome.ExitCode = Wire.ExitDispatchError;
            else if (trailer != null && int.TryParse(trailer, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int code))
                outcome.ExitCode = code;
            else
            {
                Kill();
                EndReason ??= "its worker process ended while it ran a command";
                outcome.ExitCode = Wire.ExitDispatchError;
                AppendStderr(request, outcome, $"session {Id} is broken: {EndReason}\n");
            }
            if (outcome.Interrupted) AppendStderr(request, outcome, "interrupted: the responder was stopped while the job ran\n");
        }

        private bool TrySend(string line)
        {
            if (_tree.Exited.IsCompleted) return false;
            try
            {
                byte[] bytes = new UTF8Encoding(false).GetBytes(line);
                _tree.StandardInput.Write(bytes, 0, bytes.Length);
                _tree.StandardInput.Flush();
                return true;
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                return false;
            }
        }

        internal static DispatchOutcome Fail(DispatchOutcome outcome, DispatchRequest request, string reason)
        {
            outcome.ExitCode = Wire.ExitDispatchError;
            AppendStderr(request, outcome, reason + "\n");
            outcome.Finished = DateTime.UtcNow;
            return outcome;
        }

        private static void AppendStderr(DispatchRequest request, DispatchOutcome outcome, string text)
        {
            byte[] bytes = new UTF8Encoding(false).GetBytes(text);
            using (var file = new FileStream(request.StderrPath, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                file.Write(bytes, 0, bytes.Length);
                file.Flush(flushToDisk: true);
            }
            outcome.StderrBytes += bytes.Length;
        }

        /// <summary>Ends the worker and everything it started.</summary>
        public void Kill()
        {
            if (_tree.Exited.IsCompleted) return;
            try { _tree.StandardInput.Dispose(); }
            catch (IOException) { }
            _tree.Kill();
        }

        public void Dispose()
        {
            Kill();
            _tree.Dispose();
            _turn.Dispose();
        }
    }
}
