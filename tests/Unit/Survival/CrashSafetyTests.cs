using System.Diagnostics;
using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Survival
{
    /// <summary>
    /// kill -9 the responder (a real `outpost run` process) at random moments across many jobs and restart
    /// it: every job must end with exactly one complete result, and none may run twice unless it asked.
    /// </summary>
    public class CrashSafetyTests
    {
        private static Process StartResponder(string share) => ResponderProcess.Start(share, "--lanes 2");

        [Fact]
        public void Random_kill_9_across_200_jobs_loses_nothing_and_runs_nothing_twice()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(share);
            string ledger = folder.Combine("ran.txt");
            var target = new OutpostTarget(share);
            var random = new Random(20261122);
            var jobs = Enumerable.Range(0, 200).Select(i =>
            {
                string work = i % 10 == 0 ? "sleep 0.3" : "sleep 0.02";
                var submission = JobSubmission.FromText($"echo job-{i} >> '{ledger}'\n{work}\necho done-{i}\n", "sh");
                submission.Lane = 1 + i % 2;
                return target.Submit(submission);
            }).ToList();

            int kills = 0;
            for (int round = 0; round < 200 && !AllAnswered(target, jobs); round++)
            {
                using var responder = StartResponder(share);
                Thread.Sleep(random.Next(150, 900));
                if (responder.HasExited) continue; // it may refuse while a killed one's claim is still fresh
                responder.Kill(); // SIGKILL: no cleanup, no finally blocks
                responder.WaitForExit();
                kills++;
                // A killed holder's claim stays fresh for 10 s; operators wait that out, the test ages it.
                string claim = Path.Combine(share, "inbox", ResponderClaim.FileName);
                AgeClaim(claim);
            }
            Assert.True(kills >= 5, $"only {kills} kills happened");

            // One last, clean run answers whatever is left, then stops on STOP.
            using (var final = StartResponder(share))
            {
                RunningResponder.WaitUntil(() => AllAnswered(target, jobs), TimeSpan.FromSeconds(120));
                // A job answered by a responder killed before it archived the job is archived by the next
                // pass of a lane: wait for that pass before STOP, or STOP can win the race against it.
                WaitForEmptyInboxes(share, TimeSpan.FromSeconds(30));
                // STOP left from before a start is deleted at start: set it only once this one is up.
                RunningResponder.WaitUntil(() => target.Probe().Pid == final.Id, TimeSpan.FromSeconds(30));
                target.SetSentinel(Wire.StopSentinel);
                Assert.True(final.WaitForExit(30_000));
            }

            var runs = File.Exists(ledger) ? File.ReadAllLines(ledger).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count()) : new();
            int interrupted = 0;
            for (int i = 0; i < jobs.Count; i++)
            {
                var job = target.GetJob(jobs[i].Lane, jobs[i].Stem);
                var result = job.Result;
                Assert.NotNull(result);
                Assert.True(File.Exists(result!.StdoutPath) && File.Exists(result.StderrPath), $"job-{i} is missing an output file");
                var keys = KeyValueFile.Parse(File.ReadAllBytes(Path.Combine(share, "outbox", job.Lane.ToString(), job.Stem + ".result"))).Pairs.Select(p => p.Key);
                Assert.Equal(JobResult.Keys, keys);
                int ranTimes = runs.TryGetValue($"job-{i}", out int n) ? n : 0;
                Assert.True(ranTimes <= 1, $"job-{i} ran {ranTimes} times");
                if (result.ExitCode == Wire.ExitDispatchError)
                {
                    interrupted++;
                    Assert.StartsWith("interrupted:", File.ReadAllText(result.StderrPath));
                }
                else
                {
                    Assert.Equal(0, result.ExitCode);
                    Assert.Equal(1, ranTimes);
                    Assert.Equal($"done-{i}\n", File.ReadAllText(result.StdoutPath));
                }
            }
            // Nothing is left half-done: no job in an inbox, no claim, no temp file.
            Assert.True(Leftovers(share).Count == 0, "left in the inbox: " + string.Join(", ", Leftovers(share)));
            foreach (int lane in new[] { 1, 2 })
                Assert.Empty(Directory.GetFiles(Path.Combine(share, "outbox", lane.ToString()), "*.tmp"));
        }

        [Fact]
        public void A_job_that_asks_to_be_retried_runs_again_after_a_crash()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(share);
            string ledger = folder.Combine("ran.txt");
            var target = new OutpostTarget(share);
            var job = target.Submit(JobSubmission.FromText($"# retry=1\necho run >> '{ledger}'\nsleep 2\necho finished\n", "sh"));
            using (var first = StartResponder(share))
            {
                RunningResponder.WaitUntil(() => File.Exists(ledger), TimeSpan.FromSeconds(30));
                first.Kill();
                first.WaitForExit();
            }
            AgeClaim(Path.Combine(share, "inbox", ResponderClaim.FileName));
            using (var second = StartResponder(share))
            {
                var done = target.Wait(job, TimeSpan.FromSeconds(60));
                RunningResponder.WaitUntil(() => target.Probe().Pid == second.Id, TimeSpan.FromSeconds(30));
                Assert.Equal(0, done.Result!.ExitCode);
                Assert.Equal("finished\n", File.ReadAllText(done.Result.StdoutPath));
                target.SetSentinel(Wire.StopSentinel);
                Assert.True(second.WaitForExit(30_000));
            }
            Assert.Equal(2, File.ReadAllLines(ledger).Length);
        }

        [Fact]
        public async Task A_second_responder_on_the_same_folder_refuses_and_a_stale_claim_is_taken_over()
        {
            await using var first = new RunningResponder();
            var second = new Responder(new ResponderOptions { SharePath = first.SharePath, PollInterval = TimeSpan.FromMilliseconds(100) });
            var e = await Assert.ThrowsAsync<OutpostException>(() => second.RunAsync());
            Assert.Equal("ShareInUse", e.ErrorId);
            Assert.Contains("another responder serves this folder", e.Message);
            Assert.Equal(0, first.RunJob("exit 0\n").Result!.ExitCode); // the first one is unharmed
            await first.StopAsync();

            // A holder that died without releasing: its claim goes stale and the next responder takes over.
            string claim = Path.Combine(first.SharePath, "inbox", ResponderClaim.FileName);
            File.WriteAllText(claim, "host=gone\npid=1\ninstance=dead\nheartbeat=2020-01-01.00:00:00.000\n");
            await using var third = new RunningResponder(sharePath: first.SharePath);
            Assert.Equal(0, third.RunJob("exit 0\n").Result!.ExitCode);
        }

        /// <summary>Names in the lanes' inboxes other than status.txt: jobs, claims, temp files.</summary>
        private static List<string> Leftovers(string share) =>
            new[] { 1, 2 }.SelectMany(lane => Directory.GetFiles(Path.Combine(share, "inbox", lane.ToString())))
                .Select(Path.GetFileName).OfType<string>().Where(name => name != "status.txt").ToList();

        private static void WaitForEmptyInboxes(string share, TimeSpan timeout)
        {
            try { RunningResponder.WaitUntil(() => Leftovers(share).Count == 0, timeout); }
            catch (TimeoutException) { Assert.Fail($"after {timeout.TotalSeconds:0} s still in the inbox: {string.Join(", ", Leftovers(share))}"); }
        }

        private static bool AllAnswered(OutpostTarget target, IEnumerable<OutpostJob> jobs) =>
            jobs.All(j => File.Exists(target.Layout.ResultFile(j.Lane, j.Stem)));

        /// <summary>Makes a dead holder's claim look as old as it would be after the liveness window.</summary>
        private static void AgeClaim(string claim)
        {
            if (!File.Exists(claim)) return;
            var kv = File.ReadAllLines(claim).Where(l => !l.StartsWith("heartbeat=")).Append("heartbeat=2020-01-01.00:00:00.000");
            File.WriteAllLines(claim, kv);
        }
    }
}
