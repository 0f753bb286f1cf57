using System;
using System.Diagnostics;
using System.Globalization;
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

        public static ShareAddress AddressOf(int lane, JobFileName job) => ShareAddress.In(ShareArea.Inbox, lane, job.Name + Suffix);

        public static void Write(IShareTransport share, int lane, JobFileName job, int attempt = 1)
        {
            var kv = new KeyValueFile()
                .Add("attempt", attempt.ToString(CultureInfo.InvariantCulture))
                .Add("pid", Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture))
                .Add("host", Environment.MachineName)
                .Add("started", ProtocolTime.ToWire(DateTime.UtcNow));
            // Not synced: the claim only has to outlive the responder process, and the page cache does that.
            share.Write(AddressOf(lane, job), kv.ToBytes(), durable: false);
        }

        /// <summary>Anything at the claim's name counts, even a planted FIFO: the job is then reported, never run twice.</summary>
        public static bool Exists(IShareTransport share, int lane, JobFileName job) => share.KindOf(AddressOf(lane, job)) != EntryKind.Missing;

        /// <summary>How many times the job has been started (1 after the first start); 1 when unreadable or not a regular file.</summary>
        public static int Attempts(IShareTransport share, int lane, JobFileName job)
        {
            byte[]? bytes = share.TryRead(AddressOf(lane, job), 64 * 1024);
            if (bytes is null) return 1;
            try { return Math.Max(1, WireValues.ParseInt(KeyValueFile.Parse(bytes)["attempt"], 1)); }
            catch (FormatException) { return 1; }
        }

        /// <summary>
        /// How many times a job asks to be re-run after a responder crash: <c># retry=N</c> (0..10) in its
        /// header lines. Without it an interrupted job is reported, never re-run.
        /// </summary>
        public static int RetriesAllowed(string extension, byte[] content)
        {
            string? directive = TimeoutHeader.FindDirective(extension, content, "retry");
            if (directive is null) return 0;
            return int.TryParse(directive.Substring("retry=".Length).Trim(), NumberStyles.None,
                CultureInfo.InvariantCulture, out int n) ? Math.Min(Math.Max(n, 0), 10) : 0;
        }

        public static void Remove(IShareTransport share, int lane, JobFileName job) => share.TryDelete(AddressOf(lane, job));
    }
}
