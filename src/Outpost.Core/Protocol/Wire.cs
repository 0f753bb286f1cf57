namespace Outpost.Core.Protocol
{
    /// <summary>
    /// Every name, number and format of outpost wire protocol v1 lives here and nowhere else,
    /// so a change to the protocol is a change to one file.
    /// </summary>
    public static class Wire
    {
        public const int ProtocolVersion = 1;

        // Folder names under the share.
        public const string InboxDir = "inbox";
        public const string OutboxDir = "outbox";
        public const string CancelDir = "cancel";
        public const string LogDir = "log";

        // Files.
        public const string DispatchFile = "dispatch.txt";
        public const string StatusFile = "status.txt";
        public const string EventLogFile = "outpost.log";
        public const string ResultExtension = ".result";
        public const string StdoutExtension = ".stdout";
        public const string StderrExtension = ".stderr";
        public const string TempSuffix = ".tmp";

        // Global sentinels: presence only, content ignored.
        public const string StopSentinel = "STOP";
        public const string PauseSentinel = "PAUSE";
        public const string RestartSentinel = "RESTART";

        // Exit codes the responder itself assigns.
        public const int ExitTimeout = 124;
        public const int ExitDispatchError = 125;
        public const int ExitCancelled = 126;

        // Exit codes of the responder process.
        public const int ResponderExitStop = 0;
        public const int ResponderExitShareUnavailable = 74;
        public const int ResponderExitRestart = 75;

        // Limits.
        public const int MinTimeoutSeconds = 1;
        public const int MaxTimeoutSeconds = 86400;
        public const int DefaultTimeoutSeconds = 60;
        public const int TimeoutHeaderLineLimit = 10;
        public const long DefaultOutputCapBytes = 100L * 1024 * 1024;
        public const int DefaultRetainDays = 7;
        public const double DefaultPollSeconds = 2.0;
        public const double LivenessWindowSeconds = 10.0;
        public const int MaxLabelLength = 64;

        // Text the v1 responder writes into stderr for the results it makes itself.
        public const string CancelledBeforeDispatchMessage = "cancelled before dispatch";
    }
}
