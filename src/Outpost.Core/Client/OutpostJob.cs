using System;
using Outpost.Core.Protocol;

namespace Outpost.Core.Client
{
    public enum OutpostJobState
    {
        /// <summary>In the inbox, waiting for its lane.</summary>
        Queued,
        /// <summary>The lane's status names it as the busy stem.</summary>
        Running,
        /// <summary>Finished with exit code 0.</summary>
        Completed,
        /// <summary>Finished with a non-zero exit code (other than timeout or cancel).</summary>
        Failed,
        TimedOut,
        Cancelled,
        /// <summary>Archived in log/ but its result has gone (swept or removed).</summary>
        Archived,
    }

    /// <summary>
    /// A job on a target: where it is (Target, Path, Lane, Stem) and what became of it. Its property
    /// names are what the job cmdlets bind by, so one cmdlet's output is the next one's input.
    /// </summary>
    public sealed class OutpostJob
    {
        /// <summary>The target's registry name, or the share path when it was addressed by folder.</summary>
        public string Target { get; set; } = "";
        /// <summary>The share folder.</summary>
        public string Path { get; set; } = "";
        public int Lane { get; set; } = 1;
        public string Stem { get; set; } = "";
        public string Label { get; set; } = "";
        public string Extension { get; set; } = "";
        public OutpostJobState State { get; set; }
        /// <summary>When it was submitted (the stem's time, UTC).</summary>
        public DateTime Submitted { get; set; }
        public OutpostResult? Result { get; set; }
        /// <summary>
        /// A cancel was requested (cancel/&lt;lane&gt;/&lt;stem&gt; exists) and the job has no result yet: it
        /// waits for a responder to act on it (none may be running).
        /// </summary>
        public bool CancelPending { get; set; }
        public int? ExitCode => Result?.ExitCode;
        public TimeSpan? Duration => Result?.Duration;
        public bool IsFinished => Result != null;

        public static OutpostJobState StateOf(OutpostResult result) =>
            result.TimedOut ? OutpostJobState.TimedOut
            : result.Cancelled ? OutpostJobState.Cancelled
            : result.ExitCode == 0 ? OutpostJobState.Completed
            : OutpostJobState.Failed;

        internal static OutpostJob For(string target, string path, int lane, JobFileName job, OutpostJobState state) => new OutpostJob
        {
            Target = target,
            Path = path,
            Lane = lane,
            Stem = job.Stem.Text,
            Label = job.Stem.Label,
            Extension = job.Extension,
            State = state,
            Submitted = job.Stem.Timestamp,
        };

        public override string ToString() => Stem;
    }
}
