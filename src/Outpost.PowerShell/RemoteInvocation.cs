using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Remoting;

namespace Outpost.PowerShell
{
    /// <summary>
    /// What one Invoke-OutpostCommand call runs, the same for every destination: the script block's text,
    /// its -ArgumentList and $using: values (taken from the caller's session once, serialized with
    /// CliXml), and how the job is submitted and waited for.
    /// </summary>
    internal sealed class RemoteCommand
    {
        private readonly string _script;
        private readonly string? _arguments;
        private readonly string? _usings;

        private RemoteCommand(string script, string? arguments, string? usings, int depth)
        {
            _script = script;
            _arguments = arguments;
            _usings = usings;
            Depth = depth;
        }

        public int Depth { get; }
        public int Lane { get; set; } = 1;
        public int TimeoutSec { get; set; }
        public string? SigningKeyPath { get; set; }
        /// <summary>Bounds the whole wait; when set, it replaces the no-live-responder check.</summary>
        public TimeSpan? WaitTimeout { get; set; }
        /// <summary>Local files and folders (resolved already) sent with every destination's job.</summary>
        public IReadOnlyList<string> Attachments { get; set; } = Array.Empty<string>();
        public IReadOnlyList<string>? Collect { get; set; }
        /// <summary>The local folder the artifacts are copied to when each job ends; null: they stay in the share.</summary>
        public string? CollectTo { get; set; }
        /// <summary>Several destinations: each one's artifacts go to a subfolder named for it, as PSComputerName tells output apart.</summary>
        public bool CollectPerTarget { get; set; }

        public void ApplyFiles(JobSubmission submission) => JobFileOptions.Apply(submission, Attachments, Collect, compress: false);

        /// <summary>Where one destination's artifacts go.</summary>
        public string CollectFolderFor(string targetName) =>
            CollectPerTarget ? System.IO.Path.Combine(CollectTo!, FilePaths.FolderNameFor(targetName)) : CollectTo!;

        /// <summary>Throws a clear OutpostException for a value that cannot be serialized or a $using: that cannot be read.</summary>
        public static RemoteCommand Create(ScriptBlock scriptBlock, object[]? arguments, int depth, SessionState session)
        {
            var usings = UsingValues.Collect(scriptBlock, session);
            return new RemoteCommand(
                // As remoting sends it: the text between the braces, unchanged, so positions match the user's block.
                scriptBlock.ToString(),
                arguments is { Length: > 0 } ? Serialize(arguments, depth, "-ArgumentList") : null,
                usings.Count > 0 ? Serialize(usings, depth, "$using:") : null,
                depth);
        }

        /// <summary>The wrapper job for one destination, with its own frame token.</summary>
        public string BuildWrapper(string token) => RemoteCommandScript.Build(_script, _arguments, _usings, Depth, token);

        private static string Serialize(object value, int depth, string what)
        {
            try { return PSSerializer.Serialize(value, depth); }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                throw new OutpostException("ArgumentNotSerializable", OutpostErrorKind.InvalidArgument,
                    $"{what} holds a value that cannot be serialized for the remote side: {e.Message}", value, e);
            }
        }
    }

    /// <summary>
    /// The values of a script block's $using: expressions, keyed as PowerShell remoting keys them, so the
    /// remote PowerShell resolves each one itself. Each value is read in the caller's session now, under
    /// the latest strict mode, as Invoke-Command and Start-Job do: an unset variable is an error.
    /// </summary>
    internal static class UsingValues
    {
        public static Hashtable Collect(ScriptBlock scriptBlock, SessionState session)
        {
            var values = new Hashtable(StringComparer.Ordinal);
            foreach (var use in scriptBlock.Ast.FindAll(a => a is UsingExpressionAst, searchNestedScriptBlocks: true).Cast<UsingExpressionAst>())
            {
                string key = RemoteCommandScript.UsingKey(use.Extent.Text, use.SubExpression is VariableExpressionAst);
                if (!values.ContainsKey(key)) values[key] = Evaluate(use, session);
            }
            return values;
        }

        private static object? Evaluate(UsingExpressionAst use, SessionState session)
        {
            var root = UsingExpressionAst.ExtractUsingVariable(use);
            string name = root.VariablePath.UserPath;
            bool drive = name.IndexOf(':') >= 0;
            if (!drive && session.PSVariable.Get(name) == null)
                throw new OutpostException("UsingVariableIsUndefined", OutpostErrorKind.InvalidArgument,
                    $"the value of the using variable '{use.Extent.Text}' cannot be retrieved because it has not been set in the local session", use.Extent.Text);
            object? rootValue = session.PSVariable.GetValue(name);
            if (use.SubExpression is VariableExpressionAst) return rootValue;
            // Member access or index ($using:ht.k, $using:list[$i]): evaluate the expression here, in the
            // caller's scope, with the variable's value in place of the $using: reference.
            var sub = use.SubExpression;
            int start = root.Extent.StartOffset - sub.Extent.StartOffset;
            string expression = sub.Extent.Text.Substring(0, start) + "$__outpostUsingRoot" + sub.Extent.Text.Substring(start + root.Extent.Text.Length);
            try
            {
                var block = ScriptBlock.Create("param($__outpostUsingRoot) Set-StrictMode -Version Latest; ,(" + expression + ")");
                var result = session.InvokeCommand.InvokeScript(session, block, rootValue);
                return result.Count == 0 ? null : result[0];
            }
            catch (RuntimeException e)
            {
                throw new OutpostException("UsingValueNotRetrieved", OutpostErrorKind.InvalidArgument,
                    $"the value of '{use.Extent.Text}' cannot be retrieved: {e.Message}", use.Extent.Text, e);
            }
        }
    }

    /// <summary>How one destination's run ended, for the caller to report.</summary>
    internal sealed class RemoteOutcome
    {
        public OutpostJob? Job { get; set; }
        /// <summary>The remote script block threw: the error it threw.</summary>
        public ErrorRecord? Terminating { get; set; }
        /// <summary>The destination failed (a remote throw, an exit code, a timeout, no responder...).</summary>
        public bool Failed { get; set; }
        /// <summary>Why, as an exception, for a job's JobStateInfo.Reason.</summary>
        public Exception? Reason { get; set; }
        public bool Cancelled { get; set; }
    }

    /// <summary>
    /// One command on one target: submits the wrapper job, plays its frames back as they arrive (with
    /// progress while it waits) and reports how the job ended.
    /// </summary>
    internal sealed class RemoteInvocation
    {
        private readonly RemoteDestination _destination;
        private readonly OutpostTarget _target;
        private readonly RemoteCommand _command;
        private readonly string _token = RemoteCommandScript.NewToken();

        public RemoteInvocation(RemoteDestination destination, RemoteCommand command)
        {
            _destination = destination;
            _target = destination.Target;
            Origin = destination.Origin;
            _command = command;
        }

        public RemoteOrigin Origin { get; }
        public OutpostJob? Job { get; private set; }

        private OutpostJob Submit(IRemoteStreams streams, CancellationToken cancel)
        {
            var submission = JobSubmission.FromText(_destination.Wrap(_command.BuildWrapper(_token)), "ps1");
            submission.Lane = _command.Lane;
            submission.Label = "invoke";
            if (_command.TimeoutSec > 0) submission.TimeoutSeconds = _command.TimeoutSec;
            if (_command.SigningKeyPath != null) submission.SigningKey = Core.Trust.OutpostKey.Load(_command.SigningKeyPath);
            _command.ApplyFiles(submission);
            _destination.Prepare(submission);
            var bar = new TransferProgressBar(_transferActivityId, $"Sending files to {Origin.TargetName}", streams.Progress);
            submission.Progress = bar.Report;
            submission.Cancel = cancel;
            try { Job = _target.Submit(submission); }
            finally { bar.Complete(); }
            return Job;
        }

        private static int _nextTransferId = 0x1758;
        private readonly int _transferActivityId = Interlocked.Increment(ref _nextTransferId);

        /// <summary>
        /// -CollectTo: the job's artifacts copied home as soon as it ends (failed or not: logs matter most then),
        /// replacing files already there as Copy-Item does. A failure is an error record of this destination.
        /// </summary>
        private void CollectArtifacts(OutpostJob finished, IRemoteStreams streams, RemoteOutcome outcome)
        {
            if (_command.CollectTo == null || finished.Result == null) return;
            string folder = _command.CollectFolderFor(Origin.TargetName);
            var bar = new TransferProgressBar(_transferActivityId, $"Receiving files from {Origin.TargetName}", streams.Progress);
            try
            {
                var files = ArtifactReceiver.Receive(_target, finished, folder, overwrite: true, bar.Report);
                streams.Verbose($"{files.Count} artifact(s) of job {finished.Stem} from {Origin.TargetName} copied to {folder}");
            }
            catch (OutpostException e)
            {
                streams.Error(new ErrorRecord(e, e.ErrorId, ErrorCategories.Of(e.Kind), Origin.TargetName));
                outcome.Failed = true;
                outcome.Reason ??= e;
            }
            finally { bar.Complete(); }
        }

        /// <summary>
        /// Submits (unless done already), follows the job and plays every frame into <paramref name="streams"/>
        /// as it arrives. Failures of this destination become error records naming it; nothing is thrown
        /// but cancellation.
        /// </summary>
        public RemoteOutcome Run(IRemoteStreams streams, CancellationToken cancel)
        {
            var outcome = new RemoteOutcome();
            try
            {
                if (Job == null) Submit(streams, cancel);
                var (finished, terminating) = Play(streams, cancel);
                outcome.Job = finished;
                outcome.Terminating = terminating;
                var own = _destination.EndedAs(finished);
                if (own != null)
                {
                    streams.Error(own);
                    outcome.Failed = true;
                    outcome.Reason = own.Exception;
                }
                else ReportEnd(finished, terminating != null, streams, outcome);
                CollectArtifacts(finished, streams, outcome);
                if (terminating != null)
                {
                    outcome.Failed = true;
                    outcome.Reason ??= terminating.Exception;
                }
            }
            catch (OutpostException e)
            {
                if (e.ErrorId == "NoLiveResponder" || e.ErrorId == "WaitTimeout") Abandon();
                streams.Error(new ErrorRecord(e, e.ErrorId, ErrorCategories.Of(e.Kind), Origin.TargetName));
                outcome.Failed = true;
                outcome.Reason = e;
            }
            return outcome;
        }

        /// <summary>Cancels the remote job if it has not finished (Ctrl+C, Select-Object -First, Stop-Job).</summary>
        public void CancelRemote()
        {
            try
            {
                if (Job != null && !_target.GetJob(Job.Lane, Job.Stem).IsFinished) _target.Cancel(Job.Lane, Job.Stem);
            }
            catch (OutpostException) { }
        }

        /// <summary>A wait given up: take a queued job back so it does not run later unseen; cancel a started one.</summary>
        private void Abandon()
        {
            try
            {
                if (Job != null && !_target.Withdraw(Job)) CancelRemote();
            }
            catch (OutpostException) { }
        }

        private (OutpostJob Job, ErrorRecord? Terminating) Play(IRemoteStreams streams, CancellationToken cancel)
        {
            var decoder = new RemoteFrameDecoder(_token);
            var frames = new BlockingCollection<RemoteFrame>(boundedCapacity: 10_000);
            var liveness = _command.WaitTimeout.HasValue ? null : new ResponderLiveness(ResponderLiveness.DefaultGrace);
            var progress = new WaitProgressReporter(Origin, streams);
            var follow = Task.Run(async () =>
            {
                try
                {
                    return await LiveOutput.FollowAsync(_target, Job!, (b, o, n) => { foreach (var f in decoder.Push(b, o, n)) frames.Add(f); },
                        _command.WaitTimeout, cancel, progress.Latest, liveness).ConfigureAwait(false);
                }
                finally
                {
                    foreach (var f in decoder.Finish()) frames.Add(f);
                    frames.CompleteAdding();
                }
            });
            ErrorRecord? terminating = null;
            while (!frames.IsCompleted)
            {
                if (frames.TryTake(out var frame, 250))
                {
                    progress.Clear();
                    terminating = RemoteRecords.Play(frame, Origin, streams) ?? terminating;
                }
                else progress.Show();
            }
            progress.Clear();
            return (follow.GetAwaiter().GetResult(), terminating);
        }

        /// <summary>The errors the job's end itself means: timeout (124), cancel (126), a non-zero exit, a wrapper that never ran (stderr).</summary>
        private void ReportEnd(OutpostJob job, bool threw, IRemoteStreams streams, RemoteOutcome outcome)
        {
            var result = job.Result!;
            string stderr = System.Text.Encoding.UTF8.GetString(_target.ReadOutput(job, OutputStreamKind.Stderr)).Trim();
            if (stderr.Length > 0)
                foreach (string line in stderr.Split('\n'))
                    streams.Error(StderrRecord.For(line.TrimEnd('\r'), Origin.TargetName));
            if (result.TruncatedReason.Length > 0) streams.Warning($"job {job.Stem}: the output is truncated: {result.TruncatedReason}");
            Exception? reason = null;
            string id = "";
            var category = ErrorCategory.NotSpecified;
            if (result.TimedOut)
            {
                reason = new OutpostException("JobTimedOut", OutpostErrorKind.Timeout, $"job {job.Stem} on {Origin.TargetName} timed out (exit 124)", job);
                id = "JobTimedOut";
                category = ErrorCategory.OperationTimeout;
            }
            else if (result.Cancelled)
            {
                reason = new OutpostException("JobCancelled", OutpostErrorKind.InvalidOperation, $"job {job.Stem} on {Origin.TargetName} was cancelled (exit 126)", job);
                id = "JobCancelled";
                category = ErrorCategory.OperationStopped;
                outcome.Cancelled = true;
            }
            else if (result.ExitCode != 0 && !threw)
            {
                // 'exit N' in the block, or a wrapper that could not run: reported as a failed native command is.
                reason = new RemoteExitException(Origin.TargetName, job.Stem, result.ExitCode);
                id = "RemoteExitedWithNonZeroCode";
            }
            if (reason == null) return;
            streams.Error(new ErrorRecord(reason, id, category, Origin.TargetName));
            outcome.Failed = true;
            outcome.Reason = reason;
        }
    }

    /// <summary>A script block that ended with 'exit N' (N other than 0) on the target.</summary>
    public sealed class RemoteExitException : RuntimeException
    {
        public RemoteExitException(string target, string stem, int exitCode)
            : base($"the script block on {target} ended with exit code {exitCode} (job {stem})")
        {
            Target = target;
            Stem = stem;
            ExitCode = exitCode;
        }

        public string Target { get; }
        public string Stem { get; }
        /// <summary>The exit code, as NativeCommandExitException.ExitCode gives a native command's.</summary>
        public int ExitCode { get; }
    }

    /// <summary>
    /// The progress bar of one waiting destination, as Submit-OutpostJob -Wait shows it: queue position,
    /// lane state and whether a responder is alive. Snapshots come from the follower thread; the bar is
    /// drawn from the thread that writes the streams.
    /// </summary>
    internal sealed class WaitProgressReporter
    {
        private static int _nextId = 0x0758;
        private readonly int _activityId = Interlocked.Increment(ref _nextId);
        private readonly RemoteOrigin _origin;
        private readonly IRemoteStreams _streams;
        private volatile WaitProgress? _latest;
        private bool _shown;

        public WaitProgressReporter(RemoteOrigin origin, IRemoteStreams streams)
        {
            _origin = origin;
            _streams = streams;
        }

        public void Latest(WaitProgress progress) => _latest = progress;

        public void Show()
        {
            var p = _latest;
            if (p == null) return;
            string where = p.QueuePosition switch
            {
                0 => "running",
                1 => p.LaneState == Core.Protocol.LaneState.Busy ? "running" : "next in its lane",
                var n => $"queued at position {n}",
            };
            string alive = p.ResponderAlive ? $"lane {p.Job.Lane} {p.LaneState.ToString().ToLowerInvariant()}" : "no live responder";
            _streams.Progress(new ProgressRecord(_activityId, $"Invoke-OutpostCommand on {_origin.TargetName}",
                $"{where}; {alive}; {p.Elapsed.TotalSeconds:0} s elapsed"));
            _shown = true;
        }

        public void Clear()
        {
            if (!_shown) return;
            _shown = false;
            _streams.Progress(new ProgressRecord(_activityId, $"Invoke-OutpostCommand on {_origin.TargetName}", "done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
