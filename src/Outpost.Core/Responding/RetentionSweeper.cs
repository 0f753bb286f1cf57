using System;
using System.IO;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// v1 retention: under log/, outbox/ and cancel/ (the area and its lane folders), delete files whose
    /// stem time is older than the cutoff. The inbox is never swept. Only regular files whose names start
    /// with a stem timestamp are considered, so nothing a person put there by hand is deleted, and a
    /// lane or area folder that is a link is never entered.
    /// </summary>
    public static class RetentionSweeper
    {
        public static int Sweep(ShareLayout layout, int retainDays, DateTime nowUtc) =>
            Sweep(new FileShareTransport(layout), retainDays, nowUtc);

        public static int Sweep(IResponderTransport share, int retainDays, DateTime nowUtc)
        {
            string cutoff = Stem.TimestampPrefix(nowUtc.AddDays(-retainDays));
            int deleted = 0;
            foreach (var area in new[] { ShareArea.Log, ShareArea.Outbox, ShareArea.Cancel })
            {
                try
                {
                    deleted += SweepFolder(share, area, 0, cutoff);
                    foreach (int lane in share.Lanes(area)) deleted += SweepFolder(share, area, lane, cutoff);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { } // a refused (linked) area is left alone
            }
            try
            {
                foreach (int lane in share.Lanes(ShareArea.Inbox)) deleted += SweepOrphanedFiles(share, lane, cutoff);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            return deleted;
        }

        /// <summary>
        /// Jobs are never swept from the inbox, but the files of a job that never arrived are (a submitter
        /// killed while writing them, or a withdrawn job): the same cutoff, and only while no job file is there.
        /// </summary>
        private static int SweepOrphanedFiles(IResponderTransport share, int lane, string cutoff)
        {
            int deleted = 0;
            var entries = share.List(ShareArea.Inbox, lane);
            var names = new System.Collections.Generic.HashSet<string>(System.Linq.Enumerable.Select(entries, e => e.Name), StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                string name = entry.Name;
                int sidecar = name.IndexOf(Files.JobFiles.ManifestSuffix, StringComparison.Ordinal);
                if (sidecar < 0 || entry.Kind != EntryKind.File || !ShareAddress.IsSafeName(name) || !Stem.TryParseTimestamp(name, out _)) continue;
                if (names.Contains(name.Substring(0, sidecar))) continue; // its job is still queued
                if (string.CompareOrdinal(name.Substring(0, Stem.TimestampLength), cutoff) >= 0) continue;
                if (share.TryDelete(ShareAddress.In(ShareArea.Inbox, lane, name))) deleted++;
            }
            return deleted;
        }

        private static int SweepFolder(IResponderTransport share, ShareArea area, int lane, string cutoff)
        {
            int deleted = 0;
            foreach (var entry in share.List(area, lane))
            {
                string name = entry.Name;
                if (entry.Kind != EntryKind.File || !ShareAddress.IsSafeName(name) || !Stem.TryParseTimestamp(name, out _)) continue;
                if (string.CompareOrdinal(name.Substring(0, Stem.TimestampLength), cutoff) >= 0) continue;
                if (share.TryDelete(ShareAddress.In(area, lane, name))) deleted++;
            }
            return deleted;
        }
    }
}
