using System;

namespace Outpost.Core.Dispatch
{
    /// <summary>One job to run: what, where its output goes, and the limits.</summary>
    public sealed class DispatchRequest
    {
        public string Stem { get; set; } = "";
        public string Extension { get; set; } = "";
        public byte[] Content { get; set; } = Array.Empty<byte>();
        /// <summary>Used when the script has no timeout header.</summary>
        public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(Protocol.Wire.DefaultTimeoutSeconds);
        public string StdoutPath { get; set; } = "";
        public string StderrPath { get; set; } = "";
        public string WorkingDirectory { get; set; } = System.Environment.CurrentDirectory;
        public long OutputCap { get; set; } = Protocol.Wire.DefaultOutputCapBytes;
        /// <summary>Variables added to the responder's environment for this job (OUTPOST_ATTACHMENTS); such a job starts cold, never in a spare.</summary>
        public System.Collections.Generic.IDictionary<string, string> Environment { get; set; } = new System.Collections.Generic.Dictionary<string, string>();
    }

    /// <summary>How a job ended: the fields of its .result that the dispatcher decides.</summary>
    public sealed class DispatchOutcome
    {
        public int ExitCode { get; set; }
        public bool TimedOut { get; set; }
        public bool Cancelled { get; set; }
        /// <summary>The responder was stopped hard while the job ran; the job did not finish.</summary>
        public bool Interrupted { get; set; }
        public DateTime Started { get; set; }
        public DateTime Finished { get; set; }
        public long StdoutBytes { get; set; }
        public long StderrBytes { get; set; }
        public bool StdoutTruncated { get; set; }
        public bool StderrTruncated { get; set; }
        /// <summary>Why output was cut short other than the cap (the share stopped taking it: full, say); null when it was not.</summary>
        public string? TruncatedReason { get; set; }
    }
}
