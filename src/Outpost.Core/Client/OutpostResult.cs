using System;
using Outpost.Core.Protocol;

namespace Outpost.Core.Client
{
    /// <summary>A finished job's result as a user sees it: the .result fields plus where its output is.</summary>
    public sealed class OutpostResult
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
        public TimeSpan? Duration => Started.HasValue && Finished.HasValue ? Finished - Started : null;
        public long StdoutBytes { get; set; }
        public long StderrBytes { get; set; }
        public bool StdoutTruncated { get; set; }
        public bool StderrTruncated { get; set; }
        /// <summary>Why output was cut short other than the cap (the share filled up, say); empty otherwise.</summary>
        public string TruncatedReason { get; set; } = "";
        /// <summary>How many files the job sent back (Receive-OutpostJob -Artifact brings them home).</summary>
        public int Artifacts { get; set; }
        /// <summary>The SHA-256 of the artifacts' manifest, from the (signed) result; empty when none were collected.</summary>
        public string ArtifactsSha256 { get; set; } = "";
        public string StdoutPath { get; set; } = "";
        public string StderrPath { get; set; } = "";
        public bool Succeeded => ExitCode == 0 && !TimedOut && !Cancelled;

        public static OutpostResult From(JobResult result, string stdoutPath, string stderrPath) => new OutpostResult
        {
            Stem = result.Stem,
            Lane = result.Lane,
            Extension = result.Extension,
            Label = result.Label,
            ExitCode = result.ExitCode,
            TimedOut = result.TimedOut,
            Cancelled = result.Cancelled,
            Started = result.Started,
            Finished = result.Finished,
            StdoutBytes = result.StdoutBytes,
            StderrBytes = result.StderrBytes,
            StdoutTruncated = result.StdoutTruncated,
            StderrTruncated = result.StderrTruncated,
            TruncatedReason = result.TruncatedReason,
            Artifacts = result.Artifacts,
            ArtifactsSha256 = result.ArtifactsSha256,
            StdoutPath = stdoutPath,
            StderrPath = stderrPath,
        };

        public override string ToString() => $"{Stem}: exit {ExitCode}";
    }
}
