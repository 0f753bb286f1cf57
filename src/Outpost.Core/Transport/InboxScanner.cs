using System;
using System.Collections.Generic;
using Outpost.Core.Protocol;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// Lists a lane's pending jobs in dispatch (stem) order, skipping what v1 skips: folders,
    /// status.txt, temp files, names that are not <c>&lt;stem&gt;.&lt;ext&gt;</c>. Links, FIFOs, sockets and
    /// devices are refused too: a job must be a regular file inside the share, never a pointer out of it
    /// nor something that blocks whoever opens it.
    /// </summary>
    public sealed class InboxScanner
    {
        private readonly IShareTransport _share;
        private readonly HashSet<string> _reported = new HashSet<string>(StringComparer.Ordinal);

        public InboxScanner(ShareLayout layout) : this(new FileShareTransport(layout)) { }

        public InboxScanner(IShareTransport share) => _share = share;

        /// <summary>Called once per refused name (not on every scan) so a hostile file costs one log line.</summary>
        public Action<int, string, string>? Refused { get; set; }

        public IReadOnlyList<JobFileName> List(int lane)
        {
            var jobs = new List<JobFileName>();
            foreach (var entry in _share.List(ShareArea.Inbox, lane))
            {
                string name = entry.Name;
                if (name == Wire.StatusFile || JobFileName.IsTemporary(name) || entry.Kind == EntryKind.Directory) continue;
                if (!ShareAddress.IsSafeName(name) || !JobFileName.TryParse(name, out var job))
                {
                    // A sidecar (<stem>.<ext>.<more>) is ours to keep beside a job, not a refusal.
                    if (!IsSidecar(name)) ReportOnce(lane, name, "not a <stem>.<ext> job file name");
                    continue;
                }
                if (entry.Kind == EntryKind.Link)
                {
                    ReportOnce(lane, name, "a link, not a regular file");
                    continue;
                }
                if (entry.Kind == EntryKind.Special)
                {
                    ReportOnce(lane, name, "a FIFO, socket or device, not a regular file");
                    continue;
                }
                jobs.Add(job!);
            }
            jobs.Sort((a, b) => string.CompareOrdinal(a.Stem.Text, b.Stem.Text));
            return jobs;
        }

        private static bool IsSidecar(string name)
        {
            int first = name.IndexOf('.');
            return first > 0 && ShareAddress.IsSafeName(name) && Stem.TryParse(name.Substring(0, first), out _) && name.IndexOf('.', first + 1) > 0;
        }

        private void ReportOnce(int lane, string name, string why)
        {
            lock (_reported)
            {
                if (!_reported.Add(lane + "/" + name)) return;
            }
            Refused?.Invoke(lane, name, why);
        }
    }
}
