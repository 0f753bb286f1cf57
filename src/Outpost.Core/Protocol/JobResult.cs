using System;

namespace Outpost.Core.Protocol
{
    /// <summary>The <c>.result</c> file: written last, after .stdout and .stderr, so its presence means all three are complete.</summary>
    public sealed class JobResult
    {
        public string Stem { get; set; } = "";
        public int Lane { get; set; } = 1;
        public string Extension { get; set; } = "";
        public string Label { get; set; } = "";
        public int ExitCode { get; set; }
        public bool TimedOut { get; set; }
        public bool Cancelled { get; set; }
        public DateTime? Started { get; set; }
        public DateTime? Finished { get; set; }
        public long StdoutBytes { get; set; }
        public long StderrBytes { get; set; }
        public bool StdoutTruncated { get; set; }
        public bool StderrTruncated { get; set; }
        /// <summary>
        /// Additive (<c>truncated_reason</c>, written only when set): why output was cut short other than
        /// the cap, e.g. the share filled up. A v1 peer ignores it and still sees the truncated flags.
        /// </summary>
        public string TruncatedReason { get; set; } = "";
        /// <summary>Additive (<c>artifacts</c>): how many files the job sent back beside its result.</summary>
        public int Artifacts { get; set; }
        /// <summary>Additive (<c>artifacts_sha256</c>): the SHA-256 of the artifacts' manifest; empty when none were collected.</summary>
        public string ArtifactsSha256 { get; set; } = "";

        /// <summary>The keys, in the order v1 writes them; all are always present.</summary>
        public static readonly string[] Keys =
        {
            "stem", "lane", "ext", "label", "exit", "timeout", "cancelled", "started", "finished",
            "stdout_bytes", "stderr_bytes", "stdout_truncated", "stderr_truncated",
        };

        public KeyValueFile ToKeyValues()
        {
            var kv = V1KeyValues();
            if (TruncatedReason.Length > 0) kv.Add("truncated_reason", TruncatedReason.Replace('\r', ' ').Replace('\n', ' '));
            if (ArtifactsSha256.Length > 0) kv.Add("artifacts", WireValues.Int(Artifacts)).Add("artifacts_sha256", ArtifactsSha256);
            return kv;
        }

        private KeyValueFile V1KeyValues() => new KeyValueFile()
            .Add("stem", Stem)
            .Add("lane", WireValues.Int(Lane))
            .Add("ext", Extension)
            .Add("label", Label)
            .Add("exit", WireValues.Int(ExitCode))
            .Add("timeout", WireValues.Flag(TimedOut))
            .Add("cancelled", WireValues.Flag(Cancelled))
            .Add("started", ProtocolTime.ToWire(Started))
            .Add("finished", ProtocolTime.ToWire(Finished))
            .Add("stdout_bytes", WireValues.Int(StdoutBytes))
            .Add("stderr_bytes", WireValues.Int(StderrBytes))
            .Add("stdout_truncated", WireValues.Flag(StdoutTruncated))
            .Add("stderr_truncated", WireValues.Flag(StderrTruncated));

        public static JobResult FromKeyValues(KeyValueFile kv) => new JobResult
        {
            Stem = kv["stem"] ?? "",
            Lane = WireValues.ParseInt(kv["lane"], 1),
            Extension = kv["ext"] ?? "",
            Label = kv["label"] ?? "",
            ExitCode = WireValues.ParseInt(kv["exit"], -1),
            TimedOut = WireValues.ParseFlag(kv["timeout"]),
            Cancelled = WireValues.ParseFlag(kv["cancelled"]),
            Started = WireValues.ParseTimeOrNull(kv["started"]),
            Finished = WireValues.ParseTimeOrNull(kv["finished"]),
            StdoutBytes = WireValues.ParseLong(kv["stdout_bytes"]),
            StderrBytes = WireValues.ParseLong(kv["stderr_bytes"]),
            StdoutTruncated = WireValues.ParseFlag(kv["stdout_truncated"]),
            StderrTruncated = WireValues.ParseFlag(kv["stderr_truncated"]),
            TruncatedReason = kv["truncated_reason"] ?? "",
            Artifacts = (int)Math.Min(int.MaxValue, Math.Max(0, WireValues.ParseLong(kv["artifacts"]))),
            ArtifactsSha256 = kv["artifacts_sha256"] ?? "",
        };

        public static JobResult Parse(byte[] bytes, string? source = null) => FromKeyValues(KeyValueFile.Parse(bytes, source));
    }
}
