using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Transport;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.FileSystems
{
    public class FolderChangeProbeTests
    {
        [Fact]
        public void A_folder_stamp_probe_lists_only_when_the_folder_changed()
        {
            using var folder = new TempFolder();
            var probe = new FolderChangeProbe(folder.Path, ShareWatchMode.DirectoryStamp);
            Assert.True(probe.Look());   // nothing known yet: list
            SetStamp(folder.Path, new DateTime(2026, 1, 1, 10, 0, 0, 123, DateTimeKind.Utc)); // a fine-grained stamp, as ext4 or NFS give
            Assert.True(probe.Look());
            Assert.False(probe.Look());
            Assert.False(probe.Look());
            File.WriteAllText(Path.Combine(folder.Path, "job.sh"), "exit 0\n"); // the folder's mtime moves
            Assert.True(probe.Look());
            Assert.False(probe.Look());
            Assert.Equal(6, probe.Stats);
            Assert.Equal(3, probe.Listings);
        }

        [Fact]
        public void A_whole_second_stamp_is_not_trusted_until_its_second_has_surely_passed()
        {
            // sshfs (SFTP v3) gives folder times in whole seconds: a second job in the same second leaves the stamp alone.
            using var folder = new TempFolder();
            DateTime now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
            var probe = new FolderChangeProbe(folder.Path, ShareWatchMode.DirectoryStamp, () => now);
            SetStamp(folder.Path, new DateTime(2026, 1, 1, 11, 59, 59, DateTimeKind.Utc));
            Assert.True(probe.Look());
            long stats = probe.Stats;
            for (int i = 0; i < 9; i++)
            {
                now += TimeSpan.FromMilliseconds(100);
                Assert.True(probe.Look()); // inside the window: list, and do not pay for a stat that cannot answer
            }
            now += TimeSpan.FromMilliseconds(150);
            Assert.True(probe.Look());      // the first look past the second lists once more
            Assert.Equal(stats, probe.Stats);
            now += TimeSpan.FromMilliseconds(100);
            Assert.False(probe.Look());
            Assert.Equal(stats + 1, probe.Stats);
        }

        [Fact]
        public void A_listing_probe_says_list_on_every_look()
        {
            using var folder = new TempFolder();
            var probe = new FolderChangeProbe(folder.Path, ShareWatchMode.Listing);
            for (int i = 0; i < 5; i++) Assert.True(probe.Look());
            Assert.Equal((0L, 5L), (probe.Stats, probe.Listings));
        }

        [Fact]
        public async Task An_idle_folder_costs_one_stat_per_probe_interval()
        {
            using var folder = new TempFolder();
            SetStamp(folder.Path, new DateTime(2026, 1, 1, 10, 0, 0, 123, DateTimeKind.Utc));
            var poll = FolderPoll.For(ShareFileSystem.FromTypeName("nfs4"), folder.Path)!;
            Assert.Equal(ShareWatchMode.DirectoryStamp, poll.Probe.Mode);
            using var wake = new WakeSignal();
            var clock = Stopwatch.StartNew();
            int looks = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(1))
            {
                TimeSpan left = TimeSpan.FromSeconds(1) - clock.Elapsed;
                if (left > TimeSpan.Zero && !await poll.WaitAsync(wake, left, TestContext.Current.CancellationToken)) looks++;
            }
            // At most one stat per 100 ms probe interval over the time that really passed (a loaded machine
            // may manage fewer, never more), and only the first look lists.
            long ceiling = (long)(clock.Elapsed.Ticks / ShareFileSystem.ProbeInterval.Ticks) + 1;
            Assert.InRange(poll.Probe.Stats, 1, ceiling);
            Assert.Equal(1, poll.Probe.Listings);
        }

        [Fact]
        public async Task A_wake_ends_the_wait_at_once_and_a_change_ends_it_at_the_next_probe()
        {
            using var folder = new TempFolder();
            var poll = new FolderPoll(new FolderChangeProbe(folder.Path, ShareWatchMode.DirectoryStamp));
            using var wake = new WakeSignal();
            var cancel = TestContext.Current.CancellationToken;
            Assert.False(await poll.WaitAsync(wake, TimeSpan.FromSeconds(30), cancel)); // first look: list
            SetStamp(folder.Path, new DateTime(2026, 1, 1, 10, 0, 0, 500, DateTimeKind.Utc));
            var clock = Stopwatch.StartNew();
            Assert.False(await poll.WaitAsync(wake, TimeSpan.FromSeconds(30), cancel)); // the stamp moved: list
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the change ended the 30 s wait");
            wake.Set();
            Assert.True(await poll.WaitAsync(wake, TimeSpan.FromSeconds(30), cancel));
            Assert.False(await FolderPoll.WaitAsync(null, wake, TimeSpan.FromMilliseconds(20), cancel)); // no poll: a plain wait
        }

        [Fact]
        public void A_waiting_submitter_never_slows_below_the_probe_interval_on_a_polled_share()
        {
            Assert.Equal(TimeSpan.FromMilliseconds(250), FolderPoll.ResultInterval(TimeSpan.FromMinutes(5), polledShare: false));
            Assert.Equal(ShareFileSystem.ProbeInterval, FolderPoll.ResultInterval(TimeSpan.FromMinutes(5), polledShare: true));
            Assert.True(FolderPoll.ResultInterval(TimeSpan.Zero, polledShare: true) <= ShareFileSystem.ProbeInterval);
        }

        [Fact]
        public void A_submitter_on_a_local_disk_keeps_plain_lookups()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("the local disk is known to be local on Linux here");
            using var folder = new TempFolder();
            Assert.Null(FolderPoll.ResultProbe(folder.Path));
        }

        private static void SetStamp(string folder, DateTime utc) => Directory.SetLastWriteTimeUtc(folder, utc);
    }
}
