using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// v1's dispatcher: the script is written to a private folder and run by the interpreter its
    /// extension maps to, stdin at end-of-file, stdout and stderr streamed to files, the whole
    /// process tree killed on timeout (124) or cancel (126).
    /// </summary>
    public sealed class SubprocessDispatcher : IJobDispatcher
    {
        private readonly Func<InterpreterTable> _table;
        private readonly string _scriptFolder;
        private readonly SparePool? _spares;
        private readonly Sessions.SessionHost? _sessions;

        /// <param name="table">Read per job, so a reloaded configuration takes effect at the next job.</param>
        /// <param name="scriptFolder">A private folder (0700) where scripts are materialised while they run.</param>
        /// <param name="spares">Started interpreters a job may take instead of starting cold; null starts every job cold.</param>
        /// <param name="sessions">Session workers for .ps1 jobs that name a session; null runs those like any job.</param>
        public SubprocessDispatcher(Func<InterpreterTable> table, string scriptFolder, SparePool? spares = null, Sessions.SessionHost? sessions = null)
        {
            _table = table;
            _scriptFolder = scriptFolder;
            _spares = spares;
            _sessions = sessions;
        }

        /// <summary>
        /// The responder's private folder, after removing those that responders killed before they could
        /// (scripts, staged attachments, warm spares' bootstraps would otherwise stay in temp for good).
        /// </summary>
        public static string CreatePrivateScriptFolder()
        {
            PrivateScriptFolder.RemoveAbandoned(PrivateScriptFolder.DefaultRoot);
            return PrivateScriptFolder.CreateOwned(PrivateScriptFolder.DefaultRoot);
        }

        public async Task<DispatchOutcome> RunAsync(DispatchRequest request, CancellationToken cancel, CancellationToken interrupt)
        {
            var stdout = new OutputCapture(request.OutputCap);
            var stderr = new OutputCapture(request.OutputCap);
            var outcome = new DispatchOutcome { Started = DateTime.UtcNow };
            // Both files exist even when nothing runs, so publishing never depends on how the job ended.
            File.WriteAllBytes(request.StdoutPath, Array.Empty<byte>());
            File.WriteAllBytes(request.StderrPath, Array.Empty<byte>());

            var interpreter = _table().Find(request.Extension);
            var header = TimeoutHeader.Parse(request.Extension, request.Content);
            string? refusal = interpreter is null
                ? $"no interpreter configured for .{request.Extension}"
                : header.Error ?? CmdWorkingFolder.Refusal(interpreter, request.WorkingDirectory);
            if (refusal != null)
                return Refuse(outcome, request, stdout, stderr, refusal);

            TimeSpan timeout = header.Found ? TimeSpan.FromSeconds(header.Seconds) : request.DefaultTimeout;
            if (_sessions != null && Sessions.SessionDirective.Read(request.Extension, request.Content) is { } session)
                return await _sessions.RunAsync(session, request, interpreter!, timeout, cancel, interrupt).ConfigureAwait(false);
            string scriptPath = Path.Combine(_scriptFolder, request.Stem + "." + request.Extension);
            try
            {
                WriteScript(scriptPath, request.Content);
                var arguments = new List<string>(interpreter!.Arguments) { scriptPath };
                ProcessTree tree;
                try
                {
                    // A spare was started with the responder's environment: a job that adds to it starts cold.
                    tree = (request.Environment.Count == 0 ? _spares?.TryTake(interpreter, scriptPath, request.WorkingDirectory) : null)
                           ?? ProcessTree.Start(interpreter.Path, arguments, request.WorkingDirectory, environment: request.Environment);
                }
                catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is IOException ||
                                          e is InvalidOperationException || e is UnauthorizedAccessException)
                {
                    return Refuse(outcome, request, stdout, stderr, $"failed to start {interpreter.Path}: {e.Message}");
                }
                using (tree)
                    await Supervise(tree, timeout, request, stdout, stderr, outcome, cancel, interrupt).ConfigureAwait(false);
            }
            finally
            {
                AtomicFile.TryDelete(scriptPath);
            }
            outcome.Finished = DateTime.UtcNow;
            Count(outcome, stdout, stderr);
            return outcome;
        }

        private static async Task Supervise(ProcessTree tree, TimeSpan timeout, DispatchRequest request,
            OutputCapture stdout, OutputCapture stderr, DispatchOutcome outcome,
            CancellationToken cancel, CancellationToken interrupt)
        {
            using var copyStop = new CancellationTokenSource();
            Task copyOut = stdout.CopyAsync(tree.StandardOutput, request.StdoutPath, copyStop.Token);
            Task copyErr = stderr.CopyAsync(tree.StandardError, request.StderrPath, copyStop.Token);
            // The job is done when the process has exited AND its pipes have closed: a background
            // child still writing to our stdout is still part of the job, and the timeout covers it.
            Task finished = Task.WhenAll(tree.Exited, copyOut, copyErr);

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel, interrupt);
            limit.CancelAfter(timeout);
            var stopped = new TaskCompletionSource<bool>();
            using (limit.Token.Register(() => stopped.TrySetResult(true)))
            {
                if (await Task.WhenAny(finished, stopped.Task).ConfigureAwait(false) != finished)
                {
                    tree.Kill();
                    if (interrupt.IsCancellationRequested) outcome.Interrupted = true;
                    else if (cancel.IsCancellationRequested) outcome.Cancelled = true;
                    else outcome.TimedOut = true;
                    // Killing closes the pipes; don't wait forever on a grandchild that escaped the group.
                    if (await Task.WhenAny(finished, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false) != finished)
                        copyStop.Cancel();
                    await Task.WhenAll(copyOut, copyErr).ConfigureAwait(false);
                    if (tree.ContainmentError != null)
                        OutputCapture.AppendNote(request.StderrPath, $"note: the job's processes were not in a Job Object ({tree.ContainmentError}); they were killed as a process tree\n", stderr);
                }
            }
            tree.KillStragglers();
            outcome.ExitCode = outcome.TimedOut ? Wire.ExitTimeout
                : outcome.Cancelled ? Wire.ExitCancelled
                : outcome.Interrupted ? Wire.ExitDispatchError
                : tree.ExitCode;
            if (outcome.Interrupted)
                OutputCapture.AppendNote(request.StderrPath, "interrupted: the responder was stopped while the job ran\n", stderr);
        }

        private static DispatchOutcome Refuse(DispatchOutcome outcome, DispatchRequest request,
            OutputCapture stdout, OutputCapture stderr, string reason)
        {
            OutputCapture.AppendNote(request.StderrPath, reason + "\n", stderr);
            outcome.ExitCode = Wire.ExitDispatchError;
            outcome.Finished = DateTime.UtcNow;
            Count(outcome, stdout, stderr);
            return outcome;
        }

        private static void Count(DispatchOutcome outcome, OutputCapture stdout, OutputCapture stderr)
        {
            outcome.StdoutBytes = stdout.BytesWritten;
            outcome.StderrBytes = stderr.BytesWritten;
            outcome.StdoutTruncated = stdout.Truncated;
            outcome.StderrTruncated = stderr.Truncated;
            if ((stdout.WriteFailure ?? stderr.WriteFailure) is string failure)
                outcome.TruncatedReason = "the share stopped taking the output while the job ran: " + failure.Trim();
        }

        private static void WriteScript(string path, byte[] content)
        {
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read))
                file.Write(content, 0, content.Length);
            UnixFile.TrySetMode(path, Convert.ToInt32("600", 8));
        }
    }
}
