using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using Outpost.Core.Client;
using Outpost.Tests.Support;

namespace Outpost.Tests.Engine
{
    /// <summary>Every job is delivered exactly once, whether notifications arrive, are dropped, or are not used at all.</summary>
    public class DeliveryTests
    {
        public static TheoryData<string> Modes() => new() { "watcher", "polling-only", "starved-watcher" };

        [Theory]
        [MemberData(nameof(Modes))]
        public async Task A_burst_of_jobs_from_many_submitters_runs_each_exactly_once(string mode)
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string ledger = folder.Combine("ran.txt");
            var random = new Random(7);
            await using var responder = new RunningResponder(o =>
            {
                o.LaneCount = 2;
                o.PollInterval = TimeSpan.FromMilliseconds(mode == "watcher" ? 2000 : 200); // slow base polling: notifications (and the fast polls after activity) carry the load
                o.UseWatcher = mode != "polling-only";
                o.AdaptivePolling = mode != "polling-only";
            }, prepare: r =>
            {
                // Nine notifications in ten are lost: polling must pick up what the watcher misses.
                if (mode == "starved-watcher") r.DropNotification = () => { lock (random) return random.Next(10) != 0; };
            });
            var jobs = new ConcurrentBag<OutpostJob>();
            Parallel.For(0, 4, submitter =>
            {
                var target = new OutpostTarget(responder.SharePath);
                for (int i = 0; i < 60; i++)
                {
                    var submission = JobSubmission.FromText($"echo {submitter}-{i} >> '{ledger}'\n", "sh");
                    submission.Lane = 1 + i % 2;
                    jobs.Add(target.Submit(submission));
                }
            });
            foreach (var job in jobs) Assert.Equal(0, responder.Target.Wait(job, TimeSpan.FromSeconds(120)).Result!.ExitCode);
            var lines = File.ReadAllLines(ledger);
            Assert.Equal(240, lines.Length);
            Assert.Equal(240, lines.Distinct().Count());
            Assert.Equal(240, jobs.Select(j => j.Stem).Distinct().Count());
        }
    }
}
