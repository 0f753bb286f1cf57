using System;
using System.Management.Automation;
using System.Threading;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Sessions;

namespace Outpost.PowerShell
{
    /// <summary>
    /// One script block run in an Outpost session: the Invoke-OutpostCommand wrapper, turned into a
    /// session command, submitted to the session's lane and played back as it arrives. A session the
    /// responder reports broken is marked so and reported as such, never retried in a fresh one.
    /// </summary>
    internal static class SessionInvocation
    {
        /// <returns>The remote terminating error, if the command ended with one.</returns>
        public static ErrorRecord? Run(OutpostSession session, ScriptBlock scriptBlock, object[]? arguments, int depth, int timeoutSec,
            string? signingKeyPath, SessionState state, IRemoteStreams streams, CancellationToken cancel)
        {
            if (session.State != OutpostSessionState.Opened)
            {
                streams.Error(NotUsable(session));
                return null;
            }
            if (session.Stateless && !session.StatelessWarned)
            {
                session.StatelessWarned = true;
                streams.Warning(StatelessWarning(session));
            }
            var invocation = new RemoteInvocation(session.TargetInfo);
            string wrapper = invocation.BuildScript(scriptBlock, arguments, depth, state);
            invocation.Submit(SessionClient.CommandScript(session, wrapper), session.Lane, timeoutSec, signingKeyPath);
            try
            {
                var (finished, terminating) = invocation.Play(streams, null, cancel);
                string? broken = SessionClient.BrokenReason(session, finished);
                if (broken != null)
                {
                    streams.Error(NotUsable(session));
                    return null;
                }
                RemoteInvocation.ReportEnd(session.TargetInfo, finished, streams);
                if (finished.Result?.TimedOut == true || finished.Result?.Cancelled == true) MarkEndedByStop(session, finished);
                return terminating;
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the command is cancelled on the responder, which ends the session's worker with it.
                CancelRemote(session, invocation);
                if (!session.Stateless)
                {
                    session.MarkBroken($"command {invocation.Job?.Stem} was cancelled and its worker was stopped with it");
                }
                throw;
            }
            // A pipeline that stops early (Select-Object -First) leaves the command to finish in the session,
            // so the session and its state survive; the rest of its output is simply not read.
        }

        public static string StatelessWarning(OutpostSession session) =>
            $"the responder of {session.Target} does not advertise session support (a v1 responder): commands sent with session " +
            $"'{session.Name}' run, but each in a fresh process, so no state is kept between them";

        /// <summary>A timed-out or cancelled command ends the session's worker on the responder (see the help).</summary>
        private static void MarkEndedByStop(OutpostSession session, OutpostJob job)
        {
            if (session.Stateless) return;
            session.MarkBroken($"command {job.Stem} {(job.Result!.TimedOut ? "timed out" : "was cancelled")} and its worker was stopped with it");
        }

        public static ErrorRecord NotUsable(OutpostSession session)
        {
            bool closed = session.State == OutpostSessionState.Closed;
            string message = closed
                ? $"session '{session.Name}' on {session.Target} was removed; open a new one with New-OutpostSession"
                : $"session '{session.Name}' on {session.Target} is broken: {session.Reason}. Its state is gone; remove it (Remove-OutpostSession) and open a new one";
            var error = new OutpostException(closed ? "OutpostSessionClosed" : "OutpostSessionBroken", OutpostErrorKind.InvalidOperation, message, session);
            return new ErrorRecord(error, error.ErrorId, ErrorCategory.ResourceUnavailable, session);
        }

        private static void CancelRemote(OutpostSession session, RemoteInvocation invocation)
        {
            try
            {
                var job = invocation.Job;
                if (job != null && !session.TargetInfo.GetJob(job.Lane, job.Stem).IsFinished)
                    session.TargetInfo.Cancel(job.Lane, job.Stem);
            }
            catch (OutpostException) { }
        }
    }
}
