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

        public static void RemoveStaleTempFiles(IResponderTransport share, int laneCount)
        {
            DateTime now = DateTime.UtcNow;
            DeleteTemps(share, ShareArea.Inbox, 0, _ => true); // dispatch.txt temps: only the responder writes them
            for (int lane = 1; lane <= laneCount; lane++)
            {
                DeleteTemps(share, ShareArea.Outbox, lane, _ => true);
                DeleteTemps(share, ShareArea.Log, lane, _ => true);
                DeleteTemps(share, ShareArea.Inbox, lane, address =>
                    address.Name.StartsWith(Wire.StatusFile + ".", StringComparison.Ordinal) ||
                    address.Name.Contains(RunClaim.Suffix + ".") ||
                    now - (share.LastWriteUtc(address) ?? now) > InboxTempAge);
            }
        }

        private static void DeleteTemps(IResponderTransport share, ShareArea area, int lane, Func<ShareAddress, bool> mayDelete)
        {
            try
            {
                foreach (var entry in share.List(area, lane))
                {
                    if (entry.Kind != EntryKind.File || !ShareAddress.IsSafeName(entry.Name) || !JobFileName.IsTemporary(entry.Name)) continue;
                    var address = ShareAddress.In(area, lane, entry.Name);
                    if (mayDelete(address)) share.TryDelete(address);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { } // a refused (linked) folder is left alone
        }
    }
}
