using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Trust;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hostile
{
    /// <summary>
    /// Issue 14, item 8, and the same attack on every file either side opens: a FIFO blocks whoever opens
    /// it, so none is ever opened. The lane keeps beating, STOP is honoured, the submitter never hangs.
    /// </summary>
    public class FifoAttackTests
    {
        private static readonly OutpostKey Mine = OutpostKey.Generate("me");

        [Fact]
        public async Task Item8_a_fifo_signature_sidecar_neither_freezes_the_lane_nor_blocks_STOP()
        {
            await using var responder = new RunningResponder(o => o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Mine } });
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = responder.Submit("echo x\n");
            Plant.Fifo(Path.Combine(responder.SharePath, "inbox", "1", job.Stem + ".sh.sig"));
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            var done = Plant.WithinSeconds(30, () => responder.Target.Wait(job, TimeSpan.FromSeconds(20)));
            Assert.Equal(Wire.ExitDispatchError, done.Result!.ExitCode);
            Assert.True(responder.Target.Probe().Alive, "the lane heartbeat stays fresh");
            responder.Target.SetSentinel(Wire.StopSentinel);
            Assert.Equal(ResponderStopReason.StopSentinel, await responder.Run.WaitAsync(TimeSpan.FromSeconds(20)));
        }

        [Fact]
        public async Task Item8_a_fifo_running_marker_is_reported_interrupted_not_opened()
        {
            await using var responder = new RunningResponder();
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = responder.Submit("echo x\n");
            Plant.Fifo(Path.Combine(responder.SharePath, "inbox", "1", job.Stem + ".sh.running"));
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            var done = Plant.WithinSeconds(30, () => responder.Target.Wait(job, TimeSpan.FromSeconds(20)));
            Assert.Equal(Wire.ExitDispatchError, done.Result!.ExitCode);
            Assert.Contains("interrupted", responder.Stderr(done));
        }

        [Fact]
        public async Task Item8_a_fifo_responder_claim_does_not_keep_the_responder_from_starting_or_stopping()
        {
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Plant.Fifo(Path.Combine(share, "inbox", "responder.claim"));
            await using var responder = new RunningResponder(sharePath: share);
            Assert.Equal("ok\n", responder.Stdout(responder.RunJob("echo ok\n")));
            responder.Target.SetSentinel(Wire.StopSentinel);
            Assert.Equal(ResponderStopReason.StopSentinel, await responder.Run.WaitAsync(TimeSpan.FromSeconds(20)));
        }

        [Fact]
        public void Item8_a_fifo_dispatch_txt_does_not_hang_submit()
        {
            using var share = new TempFolder();
            Directory.CreateDirectory(share.Combine("inbox", "1"));
            Plant.Fifo(share.Combine("inbox", "dispatch.txt"));
            var target = new OutpostTarget(share.Path);
            var job = Plant.WithinSeconds(10, () => target.Submit(JobSubmission.FromText("echo x\n", "sh")));
            Assert.True(File.Exists(share.Combine("inbox", "1", job.Stem + ".sh")));
            var status = Plant.WithinSeconds(10, () => target.Probe());
            Assert.Contains("FIFO", status.Error);
        }

        public static IEnumerable<object[]> SubmitterFiles() => new[]
        {
            new object[] { "inbox/1/status.txt" }, new object[] { "outbox/1/{stem}.result" }, new object[] { "outbox/1/{stem}.stdout" },
            new object[] { "outbox/1/{stem}.stderr" }, new object[] { "inbox/1/{stem}.sh.running" }, new object[] { "STOP" }, new object[] { "PAUSE" },
            new object[] { "log/1/{stem}.sh" }, new object[] { "cancel/1/{stem}" },
        };

        [Theory]
        [MemberData(nameof(SubmitterFiles))]
        public void A_fifo_anywhere_never_blocks_the_submitter(string planted)
        {
            using var share = new TempFolder();
            foreach (string area in new[] { "inbox", "outbox", "cancel", "log" }) Directory.CreateDirectory(share.Combine(area, "1"));
            string stem = Plant.NewStem();
            File.WriteAllText(share.Combine("inbox", "1", stem + ".sh"), "echo x\n");
            Plant.Fifo(share.Combine(planted.Replace("{stem}", stem).Split('/')));
            var target = new OutpostTarget(share.Path);
            Plant.WithinSeconds(15, () =>
            {
                target.Probe();
                var jobs = target.GetJobs();
                foreach (var job in jobs)
                {
                    try { target.ReadOutput(job, OutputStreamKind.Stdout); } catch (OutpostException) { }
                    try { target.Wait(job, TimeSpan.FromMilliseconds(200)); } catch (OutpostException) { }
                }
                try { target.GetJob(1, stem); } catch (OutpostException) { }
                return jobs.Count;
            });
        }

        public static IEnumerable<object[]> ResponderFiles() => new[]
        {
            new object[] { "inbox/1/{stem}.sh" }, new object[] { "inbox/1/status.txt" }, new object[] { "inbox/dispatch.txt" },
            new object[] { "cancel/1/{stem}" }, new object[] { "outbox/1/{stem}.result" }, new object[] { "outbox/1/{old}.result" },
            new object[] { "log/1/{old}.sh" }, new object[] { "outbox/1/x.stdout.abc.tmp" }, new object[] { "inbox/1/{stem}.sh.sig" },
        };

        [Theory]
        [MemberData(nameof(ResponderFiles))]
        public async Task A_fifo_anywhere_never_blocks_the_responder(string planted)
        {
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            foreach (string area in new[] { "inbox", "outbox", "cancel", "log" }) Directory.CreateDirectory(Path.Combine(share, area, "1"));
            string stem = Plant.NewStem("planted");
            Plant.Fifo(Path.Combine(share, planted.Replace("{stem}", stem).Replace("{old}", Plant.OldStem()).Replace('/', Path.DirectorySeparatorChar)));
            await using var responder = new RunningResponder(o => o.RetainDays = 1, share);
            Assert.False(responder.Run.IsCompleted, "started and serving");
            Assert.Equal("ok\n", responder.Stdout(responder.RunJob("echo ok\n")));
            responder.Target.SetSentinel(Wire.StopSentinel);
            Assert.Equal(ResponderStopReason.StopSentinel, await responder.Run.WaitAsync(TimeSpan.FromSeconds(20)));
        }
    }
}
