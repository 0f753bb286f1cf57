using System;
using System.IO;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// v1 retention: under log/, outbox/ and cancel/, delete files whose stem time is older than the
    /// cutoff. The inbox is never swept. Only names that start with a stem timestamp are considered,
    /// so nothing a person put there by hand is deleted.
    /// </summary>
    public static class RetentionSweeper
    {
        public static int Sweep(ShareLayout layout, int retainDays, DateTime nowUtc)
        {
            string cutoff = Stem.TimestampPrefix(nowUtc.AddDays(-retainDays));
            int deleted = 0;
            foreach (string area in new[] { layout.Log, layout.Outbox, layout.Cancel })
            {
                if (!Directory.Exists(area)) continue;
                foreach (string file in SafeEnumerate(area))
                {
                    string name = Path.GetFileName(file);
                    if (!Stem.TryParseTimestamp(name, out _)) continue;
                    if (string.CompareOrdinal(name.Substring(0, Stem.TimestampLength), cutoff) >= 0) continue;
                    try
                    {
                        File.Delete(file);
                        deleted++;
                    }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
            }
            return deleted;
        }

        private static System.Collections.Generic.IEnumerable<string> SafeEnumerate(string root)
        {
            var pending = new System.Collections.Generic.Stack<string>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                string dir = pending.Pop();
                string[] files, dirs;
                try
                {
                    files = Directory.GetFiles(dir);
                    dirs = Directory.GetDirectories(dir);
                }
                catch (IOException) { continue; }
                catch (UnauthorizedAccessException) { continue; }
                foreach (string f in files) yield return f;
                foreach (string d in dirs)
                {
                    // Never follow a link out of the share.
                    if ((File.GetAttributes(d) & FileAttributes.ReparsePoint) == 0) pending.Push(d);
                }
            }
        }
    }
}
