using System;
using System.Management.Automation;
using Outpost.Core;
using Outpost.Core.Responding;

namespace Outpost.PowerShell
{
    /// <summary>
    /// How a responder's events and the end of its run reach PowerShell's streams: the same for
    /// Start-OutpostResponder in the foreground and for its -AsJob job, so both say a thing once and alike.
    /// </summary>
    internal sealed class ResponderReport
    {
        private readonly Action<object> _output;
        private readonly Action<ErrorRecord> _error;
        private readonly Action<string> _warning;

        public ResponderReport(Action<object> output, Action<ErrorRecord> error, Action<string> warning)
        {
            _output = output;
            _error = error;
            _warning = warning;
        }

        /// <summary>Every event goes down the output stream; errors and warnings also to their own streams.</summary>
        public void Event(object item)
        {
            if (item is ResponderEvent e)
            {
                if (e.Kind == ResponderEventKind.Error)
                    _error(new ErrorRecord(new InvalidOperationException(e.Message), "ResponderError", ErrorCategory.InvalidOperation, e));
                else if (e.Kind == ResponderEventKind.Warning || e.Kind == ResponderEventKind.Refused)
                    _warning(e.Message);
            }
            _output(item);
        }

        /// <summary>
        /// Says how a run ended: a warning for RESTART or a take-over; for an unavailable share, the failure
        /// (returned, for the caller to write or to fail its job with). Nothing for a plain stop.
        /// </summary>
        public OutpostException? End(ResponderStopReason reason, string message, string share)
        {
            int exit = ResponderExitCodes.For(reason);
            switch (reason)
            {
                case ResponderStopReason.ShareUnavailable:
                    string why = message.Contains(share) ? message : $"the shared folder {share} is not available";
                    return new OutpostException("ShareUnavailable", OutpostErrorKind.ConnectionError,
                        $"{why}; the responder stopped with exit {exit}", share);
                case ResponderStopReason.RestartSentinel:
                    _warning($"RESTART requested on {share}: the responder stopped with exit {exit} so a supervisor can start it again");
                    return null;
                case ResponderStopReason.TakenOver:
                    _warning($"another responder took over {share}: this one stopped");
                    return null;
                default:
                    return null;
            }
        }

        /// <summary>A few words for a responder job's StatusMessage.</summary>
        public static string Status(ResponderStopReason reason) => reason switch
        {
            ResponderStopReason.StopRequested => "stopped (stop requested)",
            ResponderStopReason.StopSentinel => "stopped (STOP sentinel)",
            ResponderStopReason.RestartSentinel => "restart requested (exit 75)",
            ResponderStopReason.ShareUnavailable => "share unavailable (exit 74)",
            ResponderStopReason.TakenOver => "taken over by another responder",
            _ => reason.ToString(),
        };
    }
}
