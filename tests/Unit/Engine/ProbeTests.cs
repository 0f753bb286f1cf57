using System.Diagnostics;
using System.IO;
using System.Linq;
using Outpost.Core.Client;
using Outpost.Tests.Support;

namespace Outpost.Tests.Engine
{
    public class ProbeTests
    {
        [Fact]
        public async Task A_live_responder_probes_as_available_with_its_lanes_and_table()
        {
            await using var responder = new RunningResponder(o => o.LaneCount = 3);
            var status = responder.Target.Probe();
            Assert.True(status.Available, status.Error);
            Assert.True(status.Alive);
            Assert.Equal("test-responder", status.ResponderName);
            Assert.Equal(3, status.Lanes.Count);
            Assert.Equal(1, status.ProtocolVersion);
            Assert.Contains("sh", status.DispatchOrder);
        }

        [Fact]
        public void A_folder_without_a_responder_is_unavailable_with_a_reason()
        {
            using var folder = new TempFolder();
            var status = new OutpostTarget(folder.Path).Probe();
            Assert.False(status.Available);
            Assert.Contains("dispatch.txt", status.Error);
        }

        [Fact]
        public void A_stale_heartbeat_is_not_alive()
        {
            using var folder = new TempFolder();
            Directory.CreateDirectory(folder.Combine("inbox", "1"));
            File.WriteAllText(folder.Combine("inbox", "dispatch.txt"), "protocol_version=1\nresponder_name=old\nlane_count=1\n");
            File.WriteAllText(folder.Combine("inbox", "1", "status.txt"), "lane=1\nstate=idle\nbusy_stem=\nqueued=0\nmessage=\nlast_heartbeat=2020-01-01.00:00:00.000\n");
            var status = new OutpostTarget(folder.Path).Probe();
            Assert.False(status.Alive);
            Assert.False(status.Available);
            Assert.Contains("heartbeat", status.Error);
        }

        [Fact]
        public async Task A_FIFO_planted_as_dispatch_txt_is_refused_at_once_instead_of_hanging_the_probe()
        {
            // A FIFO blocks any reader that opens it; the transport never opens one (it used to stand in
            // for a dead network mount here, which is what the probe timeout still guards against).
            using var folder = new TempFolder();
            var targets = new List<OutpostTarget>();
            for (int i = 0; i < 12; i++)
            {
                string inbox = folder.Combine("t" + i, "inbox");
                Directory.CreateDirectory(inbox);
                Process.Start("mkfifo", Path.Combine(inbox, "dispatch.txt"))!.WaitForExit();
                targets.Add(new OutpostTarget(folder.Combine("t" + i), "t" + i));
            }
            var watch = Stopwatch.StartNew();
            var statuses = await TargetProbe.ProbeManyAsync(targets, TimeSpan.FromSeconds(5));
            watch.Stop();
            Assert.All(statuses, s => Assert.Contains("FIFO", s.Error));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
        }

        [Fact]
        public async Task Targets_advertising_the_same_name_are_all_marked_as_colliding()
        {
            await using var a = new RunningResponder(o => o.Name = "twin");
            await using var b = new RunningResponder(o => o.Name = "twin");
            await using var c = new RunningResponder(o => o.Name = "single");
            var statuses = await TargetProbe.ProbeManyAsync(new[]
            {
                new OutpostTarget(a.SharePath, "a"), new OutpostTarget(b.SharePath, "b"), new OutpostTarget(c.SharePath, "c"),
            }, TimeSpan.FromSeconds(5));
            Assert.False(statuses[0].Available);
            Assert.Equal("b", statuses[0].Collision);
            Assert.Equal("a", statuses[1].Collision);
            Assert.Contains("twin", statuses[1].Error);
            Assert.True(statuses[2].Available, statuses[2].Error);
            Assert.Null(statuses[2].Collision);
        }
    }
}
