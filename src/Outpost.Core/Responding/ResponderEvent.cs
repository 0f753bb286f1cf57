using System;
using Outpost.Core.Protocol;

namespace Outpost.Core.Responding
{
    public enum ResponderEventKind
    {
        Started,
        Info,
        JobStarted,
        JobFinished,
        JobCancelledBeforeDispatch,
        JobInterrupted,
        Refused,
        Warning,
        Error,
        Stopping,
        Stopped,
    }

    /// <summary>One thing a responder did, as an object (what Receive-Job yields for a responder job).</summary>
    public sealed class ResponderEvent
    {
        public DateTime Time { get; set; } = DateTime.UtcNow;
        public ResponderEventKind Kind { get; set; }
        public int? Lane { get; set; }
        public string? Stem { get; set; }
        public string Message { get; set; } = "";
        public JobResult? Result { get; set; }

        public override string ToString() =>
            $"{ProtocolTime.ToLogTime(Time)} {Kind}{(Lane.HasValue ? " lane=" + Lane : "")}{(Stem != null ? " stem=" + Stem : "")} {Message}";
    }
}
