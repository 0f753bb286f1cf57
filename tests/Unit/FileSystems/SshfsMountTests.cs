using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Transport;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.FileSystems
{
    /// <summary>
    /// Over a real sshfs mount on loopback, where (as on any network share) a file written on the server
    /// side raises no notification at the mount. Skipped, with the reason, where no mount can be made.
    /// </summary>
    public class SshfsMountTests
    {
        private static LoopbackSshfs Mount()
        {
            var mount = LoopbackSshfs.TryStart(out string whyNot);
            if (mount == null) Assert.Skip("no sshfs loopback mount here: " + whyNot);
            return mount;
        }

        [Fact]
        public void An_sshfs_mount_is_detected_as_fuse_sshfs_and_polled_by_folder_stamp()
        {
            using var mount = Mount();
            Directory.CreateDirectory(Path.Combine(mount.ServerPath, "share"));
            var fs = ShareFileSystem.Detect(Path.Combine(mount.MountPath, "share"));
            Assert.Equal("fuse.sshfs", fs.TypeName);
            Assert.Equal(ShareFileSystemKind.Fuse, fs.Kind);
            Assert.Equal(ShareWatchMode.DirectoryStamp, fs.WatchMode);
            Assert.Equal(0x65735546L, LinuxMounts.StatFsMagic(mount.MountPath)); // FUSE_SUPER_MAGIC
            Assert.Equal(ShareFileSystemKind.Local, ShareFileSystem.Detect(mount.ServerPath).Kind);
        }

        [Fact]
        public void The_folder_stamp_probe_sees_files_written_on_the_server_side_even_within_one_second()
        {
            using var mount = Mount();
            string inbox = Path.Combine(mount.MountPath, "inbox");
            string serverInbox = Path.Combine(mount.ServerPath, "inbox");
            Directory.CreateDirectory(serverInbox);
            var probe = new FolderChangeProbe(inbox, ShareWatchMode.DirectoryStamp);
            for (int i = 0; i < 4; i++)
            {
                // Each file lands right after the previous one was seen: often in the same second of the
                // server's clock, which the whole-second SFTP stamp cannot show.
                File.WriteAllText(Path.Combine(serverInbox, $"job{i}.sh"), "exit 0\n");
                var clock = Stopwatch.StartNew();
                bool seen = false;
                while (!seen && clock.Elapsed < TimeSpan.FromSeconds(5))
                {
                    if (probe.Look()) seen = Directory.GetFiles(inbox).Any(f => f.EndsWith($"job{i}.sh", StringComparison.Ordinal));
                    if (!seen) System.Threading.Thread.Sleep(20);
                }
                Assert.True(seen, $"job{i}.sh was seen through the mount");
            }
        }

        [Fact]
        public void Every_stamp_look_reaches_the_server_past_the_kernels_attribute_cache()
        {
            // FUSE keeps attributes 1 s (attr_timeout): a plain stat would answer from that cache and see a
            // new job up to a second late. The probe asks with AT_STATX_FORCE_SYNC; sftp-server's log shows it.
            var mount = LoopbackSshfs.TryStart(out string whyNot, countRequests: true);
            if (mount == null) Assert.Skip("no sshfs loopback mount here: " + whyNot);
            using (mount)
            {
                string serverInbox = Path.Combine(mount.ServerPath, "inbox");
                Directory.CreateDirectory(serverInbox);
                SetStamp(serverInbox);
                var probe = new FolderChangeProbe(Path.Combine(mount.MountPath, "inbox"), ShareWatchMode.DirectoryStamp);
                Assert.True(probe.Look());
                System.Threading.Thread.Sleep(1100); // SFTP stamps are whole seconds: past the probe's listing window
                Assert.True(probe.Look());           // and its closing listing
                int before = mount.StatRequestsFor(serverInbox);
                long stats = probe.Stats;
                for (int i = 0; i < 10; i++) Assert.False(probe.Look());
                System.Threading.Thread.Sleep(300); // sftp-server writes its log as it answers
                Assert.Equal(10, probe.Stats - stats);
                Assert.InRange(mount.StatRequestsFor(serverInbox) - before, 10, 12);
                // A plain stat of the same folder, for contrast, is answered by the kernel's cache.
                before = mount.StatRequestsFor(serverInbox);
                for (int i = 0; i < 10; i++) Directory.GetLastWriteTimeUtc(Path.Combine(mount.MountPath, "inbox"));
                System.Threading.Thread.Sleep(300);
                Assert.InRange(mount.StatRequestsFor(serverInbox) - before, 0, 2);
            }
        }

        private static void SetStamp(string folder) =>
            Directory.SetLastWriteTimeUtc(folder, new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc));

        [Fact]
        public async Task A_responder_on_the_mount_picks_up_jobs_written_on_the_server_side_only_by_probing()
        {
            using var mount = Mount();
            string share = Path.Combine(mount.MountPath, "share");
            // Poll and heartbeat far apart, so within the wait below only the probe can find a job:
            // notifications at the mount never see a write made on the server side.
            await using (var responder = new RunningResponder(o =>
                   {
                       o.PollInterval = TimeSpan.FromSeconds(60);
                       o.HeartbeatInterval = TimeSpan.FromSeconds(30);
                   }, share))
            {
                Assert.Equal("fuse.sshfs", responder.Responder.Advertisement.ShareFs);
                Assert.Equal("dir-stamp", responder.Responder.Advertisement.ShareWatch);
                var server = new OutpostTarget(Path.Combine(mount.ServerPath, "share"), "server-side");
                var status = (await TargetProbe.ProbeManyAsync(new[] { server }, TimeSpan.FromSeconds(5))).Single();
                Assert.Equal(("fuse.sshfs", "dir-stamp"), (status.ShareFileSystem, status.ShareWatch));
                Assert.Equal(ShareFileSystem.Detect(server.Path).TypeName, status.LocalFileSystem);
                for (int i = 0; i < 3; i++)
                {
                    var job = server.Submit(JobSubmission.FromText($"echo job{i}\n", "sh"));
                    var done = await server.WaitAsync(job, TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
                    Assert.Equal(0, done.Result!.ExitCode);
                    await Task.Delay(TimeSpan.FromMilliseconds(3500), TestContext.Current.CancellationToken); // past the 3 s fast window: a sparse arrival
                }
                Assert.Equal(ResponderStopReason.StopRequested, await responder.StopAsync());
            }
        }

        [Fact]
        public async Task A_submitter_waiting_on_the_mount_finds_results_written_on_the_server_side()
        {
            using var mount = Mount();
            string serverShare = Path.Combine(mount.ServerPath, "share");
            await using var responder = new RunningResponder(sharePath: serverShare);
            var onMount = new OutpostTarget(Path.Combine(mount.MountPath, "share"), "on-mount");
            Assert.NotNull(FolderPoll.ResultProbe(onMount.Layout.OutboxLane(1)));
            for (int i = 0; i < 3; i++)
            {
                var job = onMount.Submit(JobSubmission.FromText($"echo result{i}\n", "sh"));
                var done = await onMount.WaitAsync(job, TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
                Assert.Equal(0, done.Result!.ExitCode);
                Assert.Equal($"result{i}\n", System.Text.Encoding.UTF8.GetString(onMount.ReadOutput(done, OutputStreamKind.Stdout)));
            }
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task Files_go_both_ways_when_either_side_is_on_the_mount(bool submitterOnMount)
        {
            using var mount = Mount();
            using var local = new TempFolder();
            Directory.CreateDirectory(local.Combine("tree", "sub"));
            var random = new Random(18);
            byte[] payload = new byte[3_000_000];
            random.NextBytes(payload);
            File.WriteAllBytes(local.Combine("tree", "sub", "payload.bin"), payload);
            string serverShare = Path.Combine(mount.ServerPath, "share"), mountShare = Path.Combine(mount.MountPath, "share");
            await using var responder = new RunningResponder(sharePath: submitterOnMount ? serverShare : mountShare);
            var submitter = new OutpostTarget(submitterOnMount ? mountShare : serverShare, "files");
            var submission = JobSubmission.FromText("cp tree/sub/payload.bin copy.bin && echo staged\n", "sh");
            submission.Attachments.Add(local.Combine("tree"));
            submission.Collect.Add("*.bin");
            var job = await submitter.WaitAsync(submitter.Submit(submission), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            Assert.True(job.Result!.ExitCode == 0, System.Text.Encoding.UTF8.GetString(submitter.ReadOutput(job, OutputStreamKind.Stderr)));
            var files = ArtifactReceiver.Receive(submitter, job, local.Combine("home"), overwrite: false);
            Assert.Equal(payload, File.ReadAllBytes(files.Single()));
        }

        [Fact]
        public async Task Without_the_probe_the_same_job_waits_for_the_slow_poll()
        {
            // The control for the test above: it proves the probe, not some notification, delivered those jobs.
            using var mount = Mount();
            string share = Path.Combine(mount.MountPath, "share");
            await using var responder = new RunningResponder(o =>
            {
                o.PollInterval = TimeSpan.FromSeconds(60);
                o.HeartbeatInterval = TimeSpan.FromSeconds(30);
                o.AdaptivePolling = false; // also turns the probe off
            }, share);
            await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
            var server = new OutpostTarget(Path.Combine(mount.ServerPath, "share"), "server-side");
            var job = server.Submit(JobSubmission.FromText("echo late\n", "sh"));
            await Assert.ThrowsAsync<Outpost.Core.OutpostException>(() =>
                server.WaitAsync(job, TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken));
        }
    }
}
