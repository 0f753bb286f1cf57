using System;
using System.Threading;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// "Might this folder have gained an entry since I last looked?", asked of a share where notifications
    /// do not see the other host's writes, as cheaply as the file system allows. It answers with a
    /// folder stamp (one stat) where the folder's modification time is fresh and reliable, and says
    /// "list it" on every look where it is not. Counts what it asked the share, so its cost can be stated.
    /// </summary>
    public sealed class FolderChangeProbe
    {
        // SFTP v3 (sshfs) and some servers give folder times in whole seconds: a second change within the
        // second of the one we saw leaves the stamp as it was. So for a second after a stamp change the
        // probe cannot tell and says "list", and once more at the first look after that second. Measured
        // from when we saw the change, so no clock is compared with the server's: the second holding that
        // change ends at most one second after we saw it.
        private static readonly TimeSpan CoarseStampWindow = TimeSpan.FromSeconds(1);

        private readonly string _folder;
        private readonly Func<DateTime> _clock;
        private long _stamp = long.MinValue;
        private DateTime _stampSeen = DateTime.MinValue;
        private bool _stampIsCoarse;
        private bool _closingListingDue;
        private long _stats;
        private long _listings;

        public FolderChangeProbe(string folder, ShareWatchMode mode, Func<DateTime>? clock = null)
        {
            _folder = folder;
            Mode = mode == ShareWatchMode.Notifications ? ShareWatchMode.DirectoryStamp : mode;
            _clock = clock ?? (() => DateTime.UtcNow);
        }

        public ShareWatchMode Mode { get; }
        public string Folder => _folder;

        /// <summary>Folder stats made so far (one metadata request each).</summary>
        public long Stats => Interlocked.Read(ref _stats);

        /// <summary>"List it" answers given so far: each costs the caller one listing of the folder.</summary>
        public long Listings => Interlocked.Read(ref _listings);

        /// <summary>True when the folder may have changed and the caller should list it now.</summary>
        public bool Look()
        {
            if (Mode == ShareWatchMode.Listing) return ListIt();
            DateTime now = _clock();
            // Inside the window the stamp cannot answer, so asking for it would only add a request.
            if (_stampIsCoarse && now - _stampSeen < CoarseStampWindow) return ListIt();
            if (_closingListingDue)
            {
                // The first look past the window: a change made in its last moments still shows the old stamp.
                _closingListingDue = false;
                return ListIt();
            }
            Interlocked.Increment(ref _stats);
            long stamp = ReadStamp();
            if (stamp == _stamp) return false;
            _stamp = stamp;
            _stampSeen = now;
            _stampIsCoarse = stamp % TimeSpan.TicksPerSecond == 0;
            _closingListingDue = _stampIsCoarse;
            return ListIt();
        }

        private bool ListIt()
        {
            Interlocked.Increment(ref _listings);
            return true;
        }

        private long ReadStamp() => FreshStamp.Read(_folder);
    }
}
