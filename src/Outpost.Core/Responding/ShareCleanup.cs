using System;
using System.IO;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// Removes the temp files a killed responder leaves behind. Outbox temps are always ours; inbox
    /// temps may be a submitter's write in flight, so only old ones go.
    /// </summary>
    internal static class ShareCleanup
    {
        private static readonly TimeSpan InboxTempAge = TimeSpan.FromMinutes(10);

        public static void RemoveStaleTempFiles(ShareLayout layout, int laneCount)
        {
            DateTime now = DateTime.UtcNow;
            DeleteTemps(layout.Inbox, _ => true); // dispatch.txt temps: only the responder writes them
            for (int lane = 1; lane <= laneCount; lane++)
            {
                DeleteTemps(layout.OutboxLane(lane), _ => true);
                DeleteTemps(layout.LogLane(lane), _ => true);
                DeleteTemps(layout.InboxLane(lane), file =>
                    Path.GetFileName(file).StartsWith(Wire.StatusFile + ".", StringComparison.Ordinal) ||
                    Path.GetFileName(file).Contains(RunClaim.Suffix + ".") ||
                    now - File.GetLastWriteTimeUtc(file) > InboxTempAge);
            }
        }

        private static void DeleteTemps(string folder, Func<string, bool> mayDelete)
        {
            string[] files;
            try { files = Directory.GetFiles(folder); }
            catch (IOException) { return; }
            catch (UnauthorizedAccessException) { return; }
            foreach (string file in files)
            {
                if (JobFileName.IsTemporary(Path.GetFileName(file)) && mayDelete(file)) AtomicFile.TryDelete(file);
            }
        }
    }
}
