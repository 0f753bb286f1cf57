using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// A sidecar <c>inbox/&lt;N&gt;/&lt;stem&gt;.&lt;ext&gt;.running</c> written before a job starts and removed
    /// after its result is published. If the responder dies in between, the next start finds the claim
    /// and reports the job interrupted instead of silently running it a second time (v1 re-runs it).
    /// A v1 responder ignores the sidecar: a name with two dots never parses as a job.
    /// </summary>
    internal static class RunClaim
    {
        public const string Suffix = ".running";

        public static string PathFor(ShareLayout layout, int lane, JobFileName job) =>
            layout.JobFile(lane, job.Name) + Suffix;

        public static void Write(ShareLayout layout, int lane, JobFileName job, int attempt = 1)
        {
            var kv = new KeyValueFile()
                .Add("attempt", attempt.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Add("pid", Process.GetCurrentProcess().Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Add("host", Environment.MachineName)
                .Add("started", ProtocolTime.ToWire(DateTime.UtcNow));
            // Not synced: the claim only has to outlive the responder process, and the page cache does that.
            AtomicFile.Write(PathFor(layout, lane, job), kv.ToBytes(), durable: false);
        }

        public static bool Exists(ShareLayout layout, int lane, JobFileName job) => File.Exists(PathFor(layout, lane, job));

        /// <summary>How many times the job has been started (1 after the first start); 1 when unreadable.</summary>
        public static int Attempts(ShareLayout layout, int lane, JobFileName job)
        {
            try { return Math.Max(1, WireValues.ParseInt(KeyValueFile.Parse(File.ReadAllBytes(PathFor(layout, lane, job)))["attempt"], 1)); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException) { return 1; }
        }

        /// <summary>
        /// How many times a job asks to be re-run after a responder crash: <c># retry=N</c> (0..10) in its
        /// header lines. Without it an interrupted job is reported, never re-run.
        /// </summary>
        public static int RetriesAllowed(string extension, byte[] content)
        {
            string? directive = TimeoutHeader.FindDirective(extension, content, "retry");
            if (directive is null) return 0;
            return int.TryParse(directive.Substring("retry=".Length).Trim(), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int n) ? Math.Min(Math.Max(n, 0), 10) : 0;
        }

        public static void Remove(ShareLayout layout, int lane, JobFileName job) => AtomicFile.TryDelete(PathFor(layout, lane, job));
    }
}
