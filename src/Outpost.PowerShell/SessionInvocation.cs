using System;
using System.Management.Automation;
using System.Threading;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Sessions;

namespace Outpost.PowerShell
{
    /// <summary>
    /// A session as a place a command runs: the Invoke-OutpostCommand wrapper turned into a command for the
    /// session's worker, on the session's lane. A session the responder reports broken is marked so and
    /// reported as such, never retried in a fresh one.
    /// </summary>
    internal sealed class SessionDestination : RemoteDestination
    {
        private readonly OutpostSession _session;

        public SessionDestination(OutpostSession session)
            : base(session.TargetInfo, new RemoteOrigin(session.Target, session.Target)) => _session = session;

        public override void Prepare(JobSubmission submission) => submission.Lane = _session.Lane;

        public override string Wrap(string wrapper) => SessionClient.CommandScript(_session, wrapper);

        public override ErrorRecord? EndedAs(OutpostJob job)
        {
            if (SessionClient.BrokenReason(_session, job) != null) return SessionInvocation.NotUsable(_session);
            // A timed-out or cancelled command ends the session's worker on the responder (see the help).
            var result = job.Result;
            if (!_session.Stateless && result != null && (result.TimedOut || result.Cancelled))
                _session.MarkBroken($"command {job.Stem} {(result.TimedOut ? "timed out" : "was cancelled")} and its worker was stopped with it");
            return null;
        }
    }

    /// <summary>One script block run in a session, for the callers that take one session at a time (Enter-OutpostSession).</summary>
    internal static class SessionInvocation
    {
        /// <returns>The remote terminating error, if the command ended with one.</returns>
        public static ErrorRecord? Run(OutpostSession session, ScriptBlock scriptBlock, object[]? arguments, int depth, int timeoutSec,
            string? signingKeyPath, SessionState state, IRemoteStreams streams, CancellationToken cancel)
        {
            if (!Usable(session, streams)) return null;
            var command = RemoteCommand.Create(scriptBlock, arguments, depth, state);
            command.TimeoutSec = timeoutSec;
            command.SigningKeyPath = signingKeyPath;
            var invocation = new SessionDestination(session).Begin(command);
            try
            {
                return invocation.Run(streams, cancel).Terminating;
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the command is cancelled on the responder, which ends the session's worker with it.
                invocation.CancelRemote();
                if (!session.Stateless)
                    session.MarkBroken($"command {invocation.Job?.Stem} was cancelled and its worker was stopped with it");
                throw;
            }
            // A pipeline that stops early (Select-Object -First) leaves the command to finish in the session,
            // so the session and its state survive; the rest of its output is simply not read.
        }

        /// <summary>False (with the error written) for a broken or removed session; warns once for a stateless one.</summary>
        public static bool Usable(OutpostSession session, IRemoteStreams streams)
        {
            if (session.State != OutpostSessionState.Opened)
            {
                streams.Error(NotUsable(session));
                return false;
            }
            if (session.Stateless && !session.StatelessWarned)
            {
                session.StatelessWarned = true;
                streams.Warning(StatelessWarning(session));
            }
            return true;
        }

        public static string StatelessWarning(OutpostSession session) =>
            $"the responder of {session.Target} does not advertise session support (a v1 responder): commands sent with session " +
            $"'{session.Name}' run, but each in a fresh process, so no state is kept between them";

        public static ErrorRecord NotUsable(OutpostSession session)
        {
            bool closed = session.State == OutpostSessionState.Closed;
            string message = closed
                ? $"session '{session.Name}' on {session.Target} was removed; open a new one with New-OutpostSession"
                : $"session '{session.Name}' on {session.Target} is broken: {session.Reason}. Its state is gone; remove it (Remove-OutpostSession) and open a new one";
            var error = new OutpostException(closed ? "OutpostSessionClosed" : "OutpostSessionBroken", OutpostErrorKind.InvalidOperation, message, session);
            return new ErrorRecord(error, error.ErrorId, ErrorCategory.ResourceUnavailable, session);
        }
    }
}
