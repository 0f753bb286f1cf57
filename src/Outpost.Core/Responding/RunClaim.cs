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

        public static void Write(ShareLayout layout, int lane, JobFileName job)
        {
            var kv = new KeyValueFile()
                .Add("pid", Process.GetCurrentProcess().Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Add("host", Environment.MachineName)
                .Add("started", ProtocolTime.ToWire(DateTime.UtcNow));
            AtomicFile.Write(PathFor(layout, lane, job), kv.ToBytes());
        }

        public static bool Exists(ShareLayout layout, int lane, JobFileName job) => File.Exists(PathFor(layout, lane, job));

        public static void Remove(ShareLayout layout, int lane, JobFileName job) => AtomicFile.TryDelete(PathFor(layout, lane, job));
    }
}
