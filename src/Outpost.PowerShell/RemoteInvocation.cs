using System;
using System.Collections;
using System.Collections.Concurrent;
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
    /// One Invoke-OutpostCommand call: builds the wrapper job (arguments and $using: values serialized
    /// with CliXml), submits it, and plays its frames back as they arrive.
    /// </summary>
    internal sealed class RemoteInvocation
    {
        private readonly OutpostTarget _target;
        private readonly string _token = RemoteCommandScript.NewToken();

        public RemoteInvocation(OutpostTarget target) => _target = target;

        public OutpostJob? Job { get; private set; }

        /// <summary>The wrapper's text for a script block; throws a clear error for a value that cannot be serialized.</summary>
        public string BuildScript(ScriptBlock scriptBlock, object[]? arguments, int depth, SessionState session)
        {
            var (text, usingValues) = RewriteUsing(scriptBlock, session);
            string? args = arguments is { Length: > 0 } ? Serialize(arguments, depth, "-ArgumentList") : null;
            string? usings = usingValues.Count > 0 ? Serialize(usingValues, depth, "$using:") : null;
            return RemoteCommandScript.Build(text, args, usings, depth, _token);
        }

        public OutpostJob Submit(string script, int lane, int timeoutSec, string? signingKeyPath)
        {
            var submission = JobSubmission.FromText(script, "ps1");
            submission.Lane = lane;
            submission.Label = "invoke";
            if (timeoutSec > 0) submission.TimeoutSeconds = timeoutSec;
            if (signingKeyPath != null) submission.SigningKey = Core.Trust.OutpostKey.Load(signingKeyPath);
            Job = _target.Submit(submission);
            return Job;
        }

        /// <summary>
        /// Follows the job's stdout and plays every frame into <paramref name="streams"/> on the calling
        /// thread, as it arrives. Returns the finished job and the remote terminating error, if any.
        /// </summary>
        public (OutpostJob Job, ErrorRecord? Terminating) Play(IRemoteStreams streams, TimeSpan? timeout, CancellationToken cancel)
        {
            var decoder = new RemoteFrameDecoder(_token);
            var frames = new BlockingCollection<RemoteFrame>(boundedCapacity: 10_000);
            var follow = Task.Run(async () =>
            {
                try { return await LiveOutput.FollowAsync(_target, Job!, (b, o, n) => { foreach (var f in decoder.Push(b, o, n)) frames.Add(f); }, timeout, cancel).ConfigureAwait(false); }
                finally
                {
                    foreach (var f in decoder.Finish()) frames.Add(f);
                    frames.CompleteAdding();
                }
            });
            ErrorRecord? terminating = null;
            foreach (var frame in frames.GetConsumingEnumerable())
                terminating = RemoteRecords.Play(frame, _target.Name, streams) ?? terminating;
            return (follow.GetAwaiter().GetResult(), terminating);
        }

        /// <summary>The errors the job's end itself means: timeout (124), cancel (126), a wrapper that never ran (stderr).</summary>
        public static void ReportEnd(OutpostTarget target, OutpostJob job, IRemoteStreams streams)
        {
            var result = job.Result!;
            string stderr = System.Text.Encoding.UTF8.GetString(target.ReadOutput(job, OutputStreamKind.Stderr)).Trim();
            if (stderr.Length > 0)
                foreach (string line in stderr.Split('\n'))
                    streams.Error(new ErrorRecord(new RemoteException(line.TrimEnd('\r')), "OutpostJobStderr", ErrorCategory.NotSpecified, job.Stem));
            if (result.TimedOut)
                streams.Error(new ErrorRecord(new OutpostException("JobTimedOut", OutpostErrorKind.Timeout, $"job {job.Stem} on {job.Target} timed out (exit 124)", job),
                    "JobTimedOut", ErrorCategory.OperationTimeout, job));
            else if (result.Cancelled)
                streams.Error(new ErrorRecord(new OutpostException("JobCancelled", OutpostErrorKind.InvalidOperation, $"job {job.Stem} on {job.Target} was cancelled (exit 126)", job),
                    "JobCancelled", ErrorCategory.OperationStopped, job));
        }

        private static string Serialize(object value, int depth, string what)
        {
            try { return PSSerializer.Serialize(value, depth); }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                throw new OutpostException("ArgumentNotSerializable", OutpostErrorKind.InvalidArgument,
                    $"{what} holds a value that cannot be serialized for the remote side: {e.Message}", value, e);
            }
        }

        /// <summary>$using:name becomes $__outpostUsing['name'], with the value taken from the caller's session now.</summary>
        private static (string Text, Hashtable Values) RewriteUsing(ScriptBlock scriptBlock, SessionState session)
        {
            var ast = scriptBlock.Ast;
            string text = ast.Extent.Text;
            int origin = ast.Extent.StartOffset;
            var values = new Hashtable(StringComparer.OrdinalIgnoreCase);
            var usings = ast.FindAll(a => a is UsingExpressionAst, searchNestedScriptBlocks: true).Cast<UsingExpressionAst>()
                .OrderByDescending(u => u.Extent.StartOffset).ToList();
            foreach (var use in usings)
            {
                if (!(use.SubExpression is VariableExpressionAst variable))
                    throw new OutpostException("UsingNotSupported", OutpostErrorKind.InvalidArgument,
                        $"{use.Extent.Text}: only $using:name is supported; assign the value to a variable first", use.Extent.Text);
                string name = variable.VariablePath.UserPath;
                values[name] = session.PSVariable.GetValue(name);
                string replacement = "$__outpostUsing['" + name.Replace("'", "''") + "']";
                text = text.Substring(0, use.Extent.StartOffset - origin) + replacement + text.Substring(use.Extent.EndOffset - origin);
            }
            // A script block literal's extent includes its braces; the wrapper wants the body.
            string trimmed = text.Trim();
            if (trimmed.StartsWith("{") && trimmed.EndsWith("}")) text = trimmed.Substring(1, trimmed.Length - 2);
            return (text, values);
        }
    }
}
