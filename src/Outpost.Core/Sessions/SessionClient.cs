using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Core.Sessions
{
    /// <summary>
    /// The submitter's side of sessions: opening one (a job that starts the worker), closing one,
    /// recognising a broken one in a command's result, and the sessions of this process.
    /// </summary>
    public static class SessionClient
    {
        private static readonly object Gate = new object();
        private static readonly List<OutpostSession> Open_ = new List<OutpostSession>();
        private static int _nextId;

        public static IReadOnlyList<OutpostSession> All
        {
            get { lock (Gate) return Open_.ToList(); }
        }

        /// <summary>True when the target's advertisement says its responder serves sessions.</summary>
        public static bool Supports(OutpostTarget target) =>
            target.CheckProtocolVersion()?.Features.Contains(Protocol.DispatchInfo.SessionsFeature) == true;

        /// <summary>Starts a session on the target and waits until its worker answers (or the wait runs out).</summary>
        public static OutpostSession Open(OutpostTarget target, string? name, int idleTimeoutSec, int lane, TimeSpan wait, CancellationToken cancel = default)
        {
            bool stateless = !Supports(target);
            int id;
            lock (Gate) id = ++_nextId;
            string instance = Guid.NewGuid().ToString("N");
            var session = new OutpostSession(id, instance, string.IsNullOrEmpty(name) ? "Session" + id : name!, target, lane, idleTimeoutSec, stateless);
            if (!stateless)
            {
                var submission = JobSubmission.FromText(SessionDirective.Header(instance, open: true, idleTimeoutSeconds: idleTimeoutSec) + "$null = $PID\n", "ps1");
                submission.Lane = lane;
                submission.Label = "session-open";
                var job = target.Wait(target.Submit(submission), wait, cancel);
                if (job.Result == null)
                    throw new OutpostException("SessionOpenTimeout", OutpostErrorKind.Timeout,
                        $"the responder at {target.Name} did not open the session within {wait.TotalSeconds:0} s (is it running?)", job);
                if (job.Result.ExitCode != 0)
                    throw new OutpostException("SessionOpenRefused", OutpostErrorKind.InvalidOperation,
                        $"{target.Name} did not open the session: {Stderr(target, job)}", job);
            }
            lock (Gate) Open_.Add(session);
            return session;
        }

        /// <summary>Ends the session's worker on the target and forgets the session here.</summary>
        public static void Close(OutpostSession session, TimeSpan wait)
        {
            try
            {
                if (!session.Stateless && session.State == OutpostSessionState.Opened)
                {
                    var submission = JobSubmission.FromText(SessionDirective.Header(session.InstanceId, close: true) + "$null = $PID\n", "ps1");
                    submission.Lane = session.Lane;
                    submission.Label = "session-close";
                    session.TargetInfo.Wait(session.TargetInfo.Submit(submission), wait);
                }
            }
            finally
            {
                if (session.State == OutpostSessionState.Opened) session.Reason = "removed";
                session.State = OutpostSessionState.Closed;
                lock (Gate) Open_.Remove(session);
            }
        }

        /// <summary>
        /// The job that carries one command of the session: the Invoke-OutpostCommand wrapper with the
        /// session header, its script block run in the worker's scope so what it defines stays in the session.
        /// </summary>
        public static string CommandScript(OutpostSession session, string wrapper) =>
            SessionDirective.Header(session.InstanceId) + Remoting.RemoteCommandScript.DotSourced(wrapper);

        /// <summary>The broken-session reason in a finished command's result, or null; marks the session broken.</summary>
        public static string? BrokenReason(OutpostSession session, OutpostJob job)
        {
            if (job.Result?.ExitCode != Wire.ExitDispatchError) return null;
            string marker = "session " + session.InstanceId + " is broken: ";
            string? line = Stderr(session.TargetInfo, job).Split('\n').FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
            if (line == null) return null;
            session.State = OutpostSessionState.Broken;
            session.Reason = line.Substring(marker.Length).Trim();
            return session.Reason;
        }

        private static string Stderr(OutpostTarget target, OutpostJob job) =>
            Encoding.UTF8.GetString(target.ReadOutput(job, OutputStreamKind.Stderr)).Trim();
    }
}
