using System;
using System.Threading;
using System.Threading.Tasks;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// A lane's sleep on a share that notifications cannot cover: instead of sleeping through its whole
    /// poll interval, it asks a <see cref="FolderChangeProbe"/> every <see cref="ShareFileSystem.ProbeInterval"/>
    /// and ends the sleep as soon as the folder may have changed. A notification still ends it at once.
    /// </summary>
    public sealed class FolderPoll
    {
        private readonly TimeSpan _interval;

        public FolderPoll(FolderChangeProbe probe, TimeSpan? interval = null)
        {
            Probe = probe;
            _interval = interval ?? ShareFileSystem.ProbeInterval;
        }

        public FolderChangeProbe Probe { get; }

        /// <summary>A poll for <paramref name="folder"/> where the file system needs one, else null (notifications do).</summary>
        public static FolderPoll? For(ShareFileSystem fileSystem, string folder) =>
            fileSystem.NotificationsSeeAllWriters ? null : new FolderPoll(new FolderChangeProbe(folder, fileSystem.WatchMode));

        /// <summary>
        /// As <see cref="WakeSignal.WaitAsync"/>: true when woken (or cancelled), false when it is time to look at
        /// the folder — the timeout passed, or the probe saw a possible change. With no poll, a plain wait.
        /// </summary>
        public static Task<bool> WaitAsync(FolderPoll? poll, WakeSignal wake, TimeSpan timeout, CancellationToken cancel) =>
            poll == null ? wake.WaitAsync(timeout, cancel) : poll.WaitAsync(wake, timeout, cancel);

        public async Task<bool> WaitAsync(WakeSignal wake, TimeSpan timeout, CancellationToken cancel)
        {
            // A monotonic clock, and the last slice ends the wait without a look: a timer that fires a
            // hair before the deadline must not turn the final sub-millisecond into a burst of stats.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                TimeSpan remaining = timeout - clock.Elapsed;
                if (remaining <= TimeSpan.Zero) return false;
                bool lastSlice = remaining <= _interval;
                if (await wake.WaitAsync(lastSlice ? remaining : _interval, cancel).ConfigureAwait(false)) return true;
                if (lastSlice || Probe.Look()) return false;
            }
        }

        /// <summary>
        /// For a submitter waiting for a result in <paramref name="outbox"/> on a share notifications do not
        /// cover: a probe to ask before looking for the .result, or null where notifications do. The probe's
        /// forced folder stamp also makes an NFS client drop its cached "no such file" for that folder,
        /// which a plain lookup of the .result would keep believing for acdirmin..acdirmax.
        /// </summary>
        public static FolderChangeProbe? ResultProbe(string outbox)
        {
            var fileSystem = ShareFileSystem.Detect(outbox);
            return fileSystem.NotificationsSeeAllWriters ? null : new FolderChangeProbe(outbox, fileSystem.WatchMode);
        }

        /// <summary>
        /// How long a submitter waiting for a result sleeps between looks for it. Where notifications cover
        /// the share they end most waits early, so the slow tail only bounds the cost; on a polled share the
        /// looks are all there is, so they never slow below the probe interval.
        /// </summary>
        public static TimeSpan ResultInterval(TimeSpan elapsed, bool polledShare)
        {
            // The first two seconds (where most trivial jobs end) are looked at closely either way.
            if (elapsed < TimeSpan.FromSeconds(2)) return TimeSpan.FromMilliseconds(25);
            if (polledShare || elapsed < TimeSpan.FromSeconds(30)) return ShareFileSystem.ProbeInterval;
            return TimeSpan.FromMilliseconds(250);
        }
    }
}
