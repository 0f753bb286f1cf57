using System.Diagnostics;
using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Engine
{
    /// <summary>Cancel, lanes, sentinels, retention, process trees: the responder's control paths.</summary>
    public class ControlTests
    {
        [Fact]
        public async Task Cancel_before_dispatch_skips_the_job_with_126()
        {
            await using var responder = new RunningResponder();
            responder.Target.SetSentinel(Wire.PauseSentinel);
            string marker = Path.Combine(responder.SharePath, "..", "ran");
            var job = responder.Submit($"touch '{marker}'\n");
            responder.Target.Cancel(job.Lane, job.Stem);
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            var done = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(Wire.ExitCancelled, done.Result!.ExitCode);
            Assert.True(done.Result.Cancelled);
            Assert.Equal("cancelled before dispatch\n", responder.Stderr(done));
            Assert.False(File.Exists(marker));
            // The sentinel is swept with the job's archive, right after the result is published.
            RunningResponder.WaitUntil(() => !File.Exists(Path.Combine(responder.SharePath, "cancel", "1", job.Stem)), TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task Cancel_during_the_run_kills_it_with_126()
        {
            await using var responder = new RunningResponder();
            var job = responder.Submit("echo started\nsleep 30\necho never\n");
            RunningResponder.WaitUntil(() => responder.Target.GetJob(1, job.Stem).State == OutpostJobState.Running, TimeSpan.FromSeconds(10));
            responder.Target.Cancel(job.Lane, job.Stem);
            var done = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(Wire.ExitCancelled, done.Result!.ExitCode);
            Assert.True(done.Result.Cancelled);
            Assert.Equal(OutpostJobState.Cancelled, done.State);
            Assert.DoesNotContain("never", responder.Stdout(done));
            Assert.True(done.Result.Duration < TimeSpan.FromSeconds(20), "killed long before the sleep ended");
        }

        [Fact]
        public async Task A_cancel_after_the_job_finished_is_swept()
        {
            await using var responder = new RunningResponder(o => o.RetainDays = 0);
            var job = responder.RunJob("true\n");
            responder.Target.Cancel(job.Lane, job.Stem);
            await responder.StopAsync();
            Thread.Sleep(1100); // retention compares whole seconds: let the job's second pass
            // At the next start the retention sweep (0 days) removes the stale sentinel with the rest.
            await using var again = new RunningResponder(o => o.RetainDays = 0, responder.SharePath);
            Assert.False(File.Exists(Path.Combine(responder.SharePath, "cancel", "1", job.Stem)));
        }

        [Fact]
        public async Task Timeout_kills_grandchildren_too()
        {
            HostRequirements.RequireLinux("it watches the job's process through /proc");
            await using var responder = new RunningResponder();
            string pidFile = Path.Combine(responder.SharePath, "..", "grandchild.pid");
            // The grandchild is a background process of a child shell: it must die with the job.
            var job = responder.RunJob($"sh -c 'sleep 300 & echo $! > \"{pidFile}\"; wait'\n", configure: s => s.TimeoutSeconds = 1);
            Assert.Equal(Wire.ExitTimeout, job.Result!.ExitCode);
            int pid = int.Parse(File.ReadAllText(pidFile).Trim());
            RunningResponder.WaitUntil(() => !IsAlive(pid), TimeSpan.FromSeconds(5));
        }

        [Fact]
        public async Task A_background_child_that_outlives_the_script_is_killed_afterwards()
        {
            HostRequirements.RequireLinux("it watches the job's process through /proc");
            await using var responder = new RunningResponder();
            string pidFile = Path.Combine(responder.SharePath, "..", "straggler.pid");
            // Output redirected away, so the job's pipes close when the script exits.
            var job = responder.RunJob($"sleep 300 >/dev/null 2>&1 &\necho $! > '{pidFile}'\nexit 0\n");
            Assert.Equal(0, job.Result!.ExitCode);
            int pid = int.Parse(File.ReadAllText(pidFile).Trim());
            RunningResponder.WaitUntil(() => !IsAlive(pid), TimeSpan.FromSeconds(5));
        }

        [Fact]
        public async Task Lanes_run_jobs_at_the_same_time()
        {
            await using var responder = new RunningResponder(o => o.LaneCount = 2);
            string marks = Path.Combine(responder.SharePath, "..");
            // Each job waits (up to 10 s) for the other's start mark: only parallel lanes finish both with 0.
            string Script(string me, string other) =>
                $"touch '{marks}/{me}'\nfor i in $(seq 1 100); do [ -e '{marks}/{other}' ] && exit 0; sleep 0.1; done\nexit 9\n";
            var a = responder.Submit(Script("a", "b"), configure: s => s.Lane = 1);
            var b = responder.Submit(Script("b", "a"), configure: s => s.Lane = 2);
            Assert.Equal(0, responder.Target.Wait(a, TimeSpan.FromSeconds(30)).Result!.ExitCode);
            Assert.Equal(0, responder.Target.Wait(b, TimeSpan.FromSeconds(30)).Result!.ExitCode);
        }

        [Fact]
        public async Task Pause_holds_dispatch_and_resume_releases_it()
        {
            await using var responder = new RunningResponder();
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = responder.Submit("echo resumed\n");
            RunningResponder.WaitUntil(() => responder.Target.Probe().Lanes[0] is { State: LaneState.Paused, Queued: 1 }, TimeSpan.FromSeconds(10));
            var status = responder.Target.Probe();
            Assert.Equal("paused", status.Lanes[0].Message);
            Assert.Equal(1, status.Lanes[0].Queued);
            Assert.True(status.Paused);
            Thread.Sleep(500);
            Assert.Equal(OutpostJobState.Queued, responder.Target.GetJob(1, job.Stem).State);
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            Assert.Equal("resumed\n", responder.Stdout(responder.Target.Wait(job, TimeSpan.FromSeconds(30))));
        }

        [Fact]
        public async Task Stop_exits_0_after_the_running_job_finishes_and_lanes_say_stopped()
        {
            await using var responder = new RunningResponder();
            var job = responder.Submit("sleep 1\necho finished\n");
            RunningResponder.WaitUntil(() => responder.Target.GetJob(1, job.Stem).State == OutpostJobState.Running, TimeSpan.FromSeconds(10));
            responder.Target.SetSentinel(Wire.StopSentinel);
            Assert.Equal(ResponderStopReason.StopSentinel, await responder.Run.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("finished\n", responder.Stdout(responder.Target.GetJob(1, job.Stem)));
            var lane = responder.Target.Probe().Lanes[0];
            Assert.Equal(LaneState.Stopped, lane.State);
            Assert.False(lane.Alive);
        }

        [Fact]
        public async Task Restart_exits_75_and_a_new_start_clears_the_sentinel()
        {
            await using var responder = new RunningResponder();
            responder.Target.SetSentinel(Wire.RestartSentinel);
            Assert.Equal(ResponderStopReason.RestartSentinel, await responder.Run.WaitAsync(TimeSpan.FromSeconds(30)));
            await using var again = new RunningResponder(sharePath: responder.SharePath);
            Assert.False(File.Exists(Path.Combine(responder.SharePath, "RESTART")));
            Assert.Equal(0, again.RunJob("true\n").Result!.ExitCode);
        }

        [Fact]
        public async Task A_share_that_is_not_there_gives_74()
        {
            var options = new ResponderOptions { SharePath = Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid(), "share") };
            var responder = new Responder(options);
            Assert.Equal(ResponderStopReason.ShareUnavailable, await responder.RunAsync());
            Assert.Equal(Wire.ResponderExitShareUnavailable, ResponderExitCodes.For(ResponderStopReason.ShareUnavailable));
            Assert.Contains("is not available", responder.StopMessage);
        }

        [Fact]
        public async Task A_share_that_vanishes_while_serving_gives_74()
        {
            await using var responder = new RunningResponder();
            // The responder keeps writing heartbeats, so deleting can race with it: retry until gone.
            RunningResponder.WaitUntil(() =>
            {
                try { Directory.Delete(responder.SharePath, recursive: true); } catch (IOException) { }
                return !Directory.Exists(responder.SharePath);
            }, TimeSpan.FromSeconds(10));
            Assert.Equal(ResponderStopReason.ShareUnavailable, await responder.Run.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(responder.SharePath, responder.Responder.StopMessage);
        }

        [Fact]
        public async Task Waiting_on_a_share_that_vanishes_is_a_connection_error_not_a_hang()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(share);
            var target = new OutpostTarget(share);
            var job = target.Submit(JobSubmission.FromText("true\n", "sh"));
            var wait = target.WaitAsync(job, TimeSpan.FromSeconds(60));
            Directory.Delete(share, recursive: true);
            var e = await Assert.ThrowsAsync<OutpostException>(() => wait);
            Assert.Equal(OutpostErrorKind.ConnectionError, e.Kind);
        }

        [Fact]
        public void Retention_deletes_only_old_stem_files_and_never_the_inbox()
        {
            using var folder = new TempFolder();
            var layout = new Outpost.Core.Transport.ShareLayout(folder.Path);
            var now = new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);
            string old = Stem.Create(now.AddDays(-8), "sh").Text, fresh = Stem.Create(now.AddDays(-6), "sh").Text;
            string[] oldFiles = { Path.Combine(layout.OutboxLane(1), old + ".result"), Path.Combine(layout.LogLane(2), old + ".sh"), Path.Combine(layout.CancelLane(1), old) };
            string[] keptFiles =
            {
                Path.Combine(layout.OutboxLane(1), fresh + ".result"), Path.Combine(layout.InboxLane(1), old + ".sh"),
                Path.Combine(layout.LogLane(1), "README.txt"),
            };
            foreach (string f in oldFiles.Concat(keptFiles))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(f)!);
                File.WriteAllText(f, "x");
            }
            Assert.Equal(3, RetentionSweeper.Sweep(layout, 7, now));
            Assert.All(oldFiles, f => Assert.False(File.Exists(f), f));
            Assert.All(keptFiles, f => Assert.True(File.Exists(f), f));
        }

        [Fact]
        public async Task Status_and_dispatch_are_written_in_v1_form()
        {
            await using var responder = new RunningResponder(o => { o.LaneCount = 2; o.Name = "vm-a"; });
            RunningResponder.WaitUntil(() => File.Exists(Path.Combine(responder.SharePath, "inbox", "2", "status.txt")), TimeSpan.FromSeconds(10));
            var kv = KeyValueFile.Parse(File.ReadAllBytes(Path.Combine(responder.SharePath, "inbox", "2", "status.txt")));
            Assert.Equal(LaneStatusRecord.Keys, kv.Pairs.Select(p => p.Key));
            var dispatch = DispatchInfo.Parse(File.ReadAllBytes(Path.Combine(responder.SharePath, "inbox", "dispatch.txt")));
            Assert.Equal("vm-a", dispatch.ResponderName);
            Assert.Equal(2, dispatch.LaneCount);
            Assert.Equal(Environment.ProcessId, dispatch.Pid);
            Assert.Contains("sh", dispatch.Order);
            Assert.True(Path.IsPathRooted(dispatch.Interpreters["sh"]));
            string log = File.ReadAllText(Path.Combine(responder.SharePath, "outpost.log"));
            Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \[INFO\] responder started cwd=\S+ lanes=2 name=vm-a pid=\d+\n", log);
        }

        private static bool IsAlive(int pid)
        {
            try { return !Process.GetProcessById(pid).HasExited && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "); }
            catch (ArgumentException) { return false; }
            catch (IOException) { return false; }
        }
    }
}
