using System;
using Outpost.Core.Protocol;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// Why a responder run ended. Front ends decide what each means to their users (an exit code for the
    /// CLI, a job state for the module) from this, rather than decoding exit codes.
    /// </summary>
    public enum ResponderStopReason
    {
        /// <summary>The host asked it to stop (Ctrl+C, SIGTERM, Stop-Job).</summary>
        StopRequested,
        /// <summary>Someone created the STOP sentinel.</summary>
        StopSentinel,
        /// <summary>Someone created the RESTART sentinel: a supervisor should start it again.</summary>
        RestartSentinel,
        /// <summary>The shared folder was missing at start or vanished while serving.</summary>
        ShareUnavailable,
        /// <summary>Another responder took over the folder's claim (ours had gone stale).</summary>
        TakenOver,
    }

    /// <summary>v1's responder exit codes, mapped from the reason in one place.</summary>
    public static class ResponderExitCodes
    {
        /// <summary>0 for every kind of stop, 75 for RESTART, 74 when the share is not available.</summary>
        public static int For(ResponderStopReason reason) => reason switch
        {
            ResponderStopReason.RestartSentinel => Wire.ResponderExitRestart,
            ResponderStopReason.ShareUnavailable => Wire.ResponderExitShareUnavailable,
            ResponderStopReason.StopRequested or ResponderStopReason.StopSentinel or ResponderStopReason.TakenOver => Wire.ResponderExitStop,
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown stop reason"),
        };
    }
}
