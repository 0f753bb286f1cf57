using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Outpost.Core.Client;
using Outpost.Core.Hosting;
using Outpost.Core.Protocol;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hosting
{
    /// <summary>The supervisor over real child processes: the `outpost run` CLI, and `sh` standing in for a failing one.</summary>
    public class SupervisorTests
    {
        private static ChildProcessRunner OutpostRun(string share) => new("dotnet", new[]
        {
            Path.Combine(AppContext.BaseDirectory, "outpost.dll"), "run", "--dir", share, "--poll", "100ms", "--quiet",
        }, share);

        private static SupervisorOptions Fast(string share) => new()
        {
            SharePath = share,
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(400),
            ShareWaitInterval = TimeSpan.FromMilliseconds(100),
        };

        private static int AdvertisedPid(string share)
        {
            try { return DispatchInfo.Parse(File.ReadAllBytes(Path.Combine(share, "inbox", "dispatch.txt"))).Pid; }
            catch (IOException) { return 0; }
        }

        [Fact]
        public async Task Restart_brings_back_a_new_process_and_STOP_ends_the_supervisor_with_0()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(share);
            var runner = OutpostRun(share);
            var events = new ConcurrentQueue<SupervisorEvent>();
            var supervising = new Supervisor(Fast(share), runner, events.Enqueue).RunAsync(CancellationToken.None);
            RunningResponder.WaitUntil(() => AdvertisedPid(share) != 0 && AdvertisedPid(share) == runner.CurrentPid, TimeSpan.FromSeconds(30));
            int first = AdvertisedPid(share);
            File.WriteAllText(Path.Combine(share, "RESTART"), "");
            RunningResponder.WaitUntil(() => AdvertisedPid(share) != first && AdvertisedPid(share) == runner.CurrentPid, TimeSpan.FromSeconds(30));
            Assert.Contains(events, e => e.Kind == SupervisorEventKind.Restarting && e.ExitCode == 75);
            // The new responder serves jobs.
            var target = new OutpostTarget(share);
            Assert.Equal(0, target.Wait(target.Submit(JobSubmission.FromText("exit 0\n", "sh")), TimeSpan.FromSeconds(30)).Result!.ExitCode);
            target.SetSentinel(Wire.StopSentinel);
            Assert.Equal(0, await supervising.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("supervisor: STOP", File.ReadAllText(Path.Combine(share, "outpost.log")));
        }

        [Fact]
        public async Task A_share_that_appears_late_is_waited_for()
        {
            using var folder = new TempFolder();
            string share = folder.Combine("late");
            var events = new ConcurrentQueue<SupervisorEvent>();
            var runner = OutpostRun(share);
            var supervising = new Supervisor(Fast(share), runner, events.Enqueue).RunAsync(CancellationToken.None);
            RunningResponder.WaitUntil(() => events.Any(e => e.Kind == SupervisorEventKind.WaitingForShare), TimeSpan.FromSeconds(10));
            Assert.Equal(0, runner.CurrentPid); // nothing started while the share is missing
            Directory.CreateDirectory(share);
            RunningResponder.WaitUntil(() => AdvertisedPid(share) != 0 && AdvertisedPid(share) == runner.CurrentPid, TimeSpan.FromSeconds(30));
            File.WriteAllText(Path.Combine(share, "STOP"), "");
            Assert.Equal(0, await supervising.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        [Theory]
        [InlineData(74)] // share unavailable
        [InlineData(3)]  // a crash
        public async Task Failures_are_retried_with_growing_capped_delays(int exitCode)
        {
            using var folder = new TempFolder();
            var events = new ConcurrentQueue<SupervisorEvent>();
            var failing = new ChildProcessRunner("sh", new[] { "-c", $"exit {exitCode}" }, folder.Path);
            using var stop = new CancellationTokenSource();
            var supervising = new Supervisor(Fast(folder.Path), failing, events.Enqueue).RunAsync(stop.Token);
            RunningResponder.WaitUntil(() => events.Count(e => e.Kind == SupervisorEventKind.BackingOff) >= 5, TimeSpan.FromSeconds(30));
            stop.Cancel();
            Assert.Equal(0, await supervising.WaitAsync(TimeSpan.FromSeconds(30)));
            var delays = events.Where(e => e.Kind == SupervisorEventKind.BackingOff).Select(e => e.Delay!.Value.TotalMilliseconds).ToList();
            Assert.Equal(new double[] { 50, 100, 200, 400, 400 }, delays.Take(5));
            Assert.All(events.Where(e => e.Kind == SupervisorEventKind.Exited), e => Assert.Equal(exitCode, e.ExitCode));
            Assert.True(events.Count(e => e.Kind == SupervisorEventKind.Starting) >= 5);
        }

        [Fact]
        public async Task Stopping_the_supervisor_stops_the_child_gracefully()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(share);
            var runner = OutpostRun(share);
            using var stop = new CancellationTokenSource();
            var supervising = new Supervisor(Fast(share), runner).RunAsync(stop.Token);
            RunningResponder.WaitUntil(() => AdvertisedPid(share) != 0 && AdvertisedPid(share) == runner.CurrentPid, TimeSpan.FromSeconds(30));
            int child = runner.CurrentPid;
            var target = new OutpostTarget(share);
            var job = target.Submit(JobSubmission.FromText("sleep 1\necho finished\n", "sh"));
            RunningResponder.WaitUntil(() => target.GetJob(1, job.Stem).State == OutpostJobState.Running, TimeSpan.FromSeconds(30));
            stop.Cancel();
            Assert.Equal(0, await supervising.WaitAsync(TimeSpan.FromSeconds(30)));
            RunningResponder.WaitUntil(() => { try { return Process.GetProcessById(child).HasExited; } catch (ArgumentException) { return true; } }, TimeSpan.FromSeconds(10));
            // The graceful stop let the running job finish and publish.
            Assert.Equal("finished\n", File.ReadAllText(target.GetJob(1, job.Stem).Result!.StdoutPath));
            Assert.Equal(Outpost.Core.Protocol.LaneState.Stopped, target.Probe().Lanes[0].State);
        }
    }
}
