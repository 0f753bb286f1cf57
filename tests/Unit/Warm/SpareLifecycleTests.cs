using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;
using Outpost.Tests.Support;
using Xunit;
using static Outpost.Tests.Warm.WarmTestSupport;

namespace Outpost.Tests.Warm
{
    /// <summary>Spares as a responder keeps them: real interpreters, real pids, real signals.</summary>
    public sealed class SpareLifecycleTests
    {
        private static RunningResponder ShellResponder(Action<Outpost.Core.Responding.ResponderOptions>? more = null) => new(o =>
        {
            o.Interpreters = ShellOnly();
            o.Warm = new WarmSettings { Extensions = { "sh" } };
            more?.Invoke(o);
        });

        [Fact]
        public async Task A_job_runs_in_the_waiting_spare_which_is_then_replaced_and_never_reused()
        {
            await using var responder = ShellResponder();
            var pool = responder.Responder.Spares!;
            int first = WaitForSpare(pool, "sh");

            var job = responder.RunJob("echo $$");
            Assert.Equal(0, job.Result!.ExitCode);
            Assert.Equal(first.ToString(), responder.Stdout(job).Trim());

            int second = WaitForSpare(pool, "sh", not: first);
            Assert.NotEqual(first, second);
            WaitGone(first, TimeSpan.FromSeconds(10));
            var next = responder.RunJob("echo $$");
            Assert.Equal(second.ToString(), responder.Stdout(next).Trim());
        }

        [Fact]
        public async Task No_state_passes_between_jobs_run_from_spares()
        {
            await using var responder = ShellResponder();
            WaitForSpare(responder.Responder.Spares!, "sh");
            var first = responder.RunJob("export LEFT_BEHIND=yes; cd /; echo $$");
            WaitForSpare(responder.Responder.Spares!, "sh", not: int.Parse(responder.Stdout(first).Trim()));
            var second = responder.RunJob("echo \"[$LEFT_BEHIND]\"; pwd; echo $$");
            string[] lines = responder.Stdout(second).Trim().Split('\n');
            Assert.Equal("[]", lines[0]);
            Assert.NotEqual("/", lines[1]);
            Assert.NotEqual(responder.Stdout(first).Trim(), lines[2]);
        }

        [Fact]
        public async Task A_spare_that_dies_is_replaced()
        {
            await using var responder = ShellResponder();
            var pool = responder.Responder.Spares!;
            int first = WaitForSpare(pool, "sh");
            Process.GetProcessById(first).Kill();
            int second = WaitForSpare(pool, "sh", not: first);
            var job = responder.RunJob("echo $$");
            Assert.Equal(second.ToString(), responder.Stdout(job).Trim());
        }

        [Fact]
        public async Task A_changed_outpost_toml_retires_the_spares()
        {
            using var folder = new TempFolder();
            string config = folder.Combine("outpost.toml");
            File.WriteAllText(config, "[dispatch]\nenabled = [\"sh\"]\n[dispatch.path]\nsh = \"/bin/sh\"\n[warm]\nextensions = [\"sh\"]\n");
            await using var responder = new RunningResponder(o => o.ConfigPath = config);
            var pool = responder.Responder.Spares!;
            int first = WaitForSpare(pool, "sh");

            File.WriteAllText(config, "[responder]\ndescription = \"changed\"\n[dispatch]\nenabled = [\"sh\"]\n[dispatch.path]\nsh = \"/bin/sh\"\n[warm]\nextensions = [\"sh\"]\n");
            File.SetLastWriteTimeUtc(config, DateTime.UtcNow.AddSeconds(5));
            WaitGone(first, TimeSpan.FromSeconds(30)); // the responder looks at the file every 5 s
            int second = WaitForSpare(pool, "sh", not: first);
            Assert.NotEqual(first, second);
        }

        [Fact]
        public async Task Turning_warm_off_in_outpost_toml_ends_the_spares_and_jobs_start_cold()
        {
            using var folder = new TempFolder();
            string config = folder.Combine("outpost.toml");
            File.WriteAllText(config, "[dispatch]\nenabled = [\"sh\"]\n[warm]\nextensions = [\"sh\"]\n");
            await using var responder = new RunningResponder(o => o.ConfigPath = config);
            int first = WaitForSpare(responder.Responder.Spares!, "sh");
            File.WriteAllText(config, "[dispatch]\nenabled = [\"sh\"]\n[warm]\nenabled = false\n");
            File.SetLastWriteTimeUtc(config, DateTime.UtcNow.AddSeconds(5));
            WaitGone(first, TimeSpan.FromSeconds(30));
            var job = responder.RunJob("echo $$");
            Assert.Equal(0, job.Result!.ExitCode);
            Assert.Empty(responder.Responder.Spares!.SpareIds("sh"));
        }

        [Fact]
        public async Task A_changed_interpreter_binary_retires_its_spare_and_the_job_starts_cold()
        {
            using var folder = new TempFolder();
            string shell = folder.Combine("mysh");
            File.Copy("/bin/sh", shell);
            UnixFileMode(shell);
            await using var responder = new RunningResponder(o =>
            {
                o.Interpreters = new InterpreterTable().Set("sh", shell);
                o.Warm = new WarmSettings { Extensions = { "sh" } };
            });
            var pool = responder.Responder.Spares!;
            int first = WaitForSpare(pool, "sh");
            File.SetLastWriteTimeUtc(shell, DateTime.UtcNow.AddMinutes(1)); // an upgrade, as the pool sees it

            var job = responder.RunJob("echo $$");
            Assert.Equal(0, job.Result!.ExitCode);
            Assert.NotEqual(first.ToString(), responder.Stdout(job).Trim());
            WaitGone(first, TimeSpan.FromSeconds(10));
            Assert.NotEqual(first, WaitForSpare(pool, "sh", not: first));
        }

        [Fact]
        public async Task Environment_and_working_folder_reach_a_job_started_from_a_spare()
        {
            using var work = new TempFolder();
            await using var responder = ShellResponder(o => o.WorkingDirectory = work.Path);
            int spare = WaitForSpare(responder.Responder.Spares!, "sh");
            var job = responder.RunJob("echo $$; pwd; echo \"$GREETING\"; cat; echo \"stdin done\"",
                configure: s => s.Environment["GREETING"] = "hello from the submitter");
            string[] lines = responder.Stdout(job).Trim().Split('\n');
            Assert.Equal(spare.ToString(), lines[0]);
            Assert.Equal(Path.GetFullPath(work.Path), Path.GetFullPath(lines[1]));
            Assert.Equal("hello from the submitter", lines[2]);
            Assert.Equal("stdin done", lines[3]); // stdin is at end-of-file, as on the cold path
        }

        [Fact]
        public async Task A_timeout_kills_a_job_from_a_spare_with_its_grandchildren()
        {
            await using var responder = ShellResponder();
            int spare = WaitForSpare(responder.Responder.Spares!, "sh");
            var job = responder.RunJob("echo $$; sh -c 'sleep 60' & echo $!; sleep 60", configure: s => s.TimeoutSeconds = 1);
            Assert.True(job.Result!.TimedOut);
            Assert.Equal(Wire.ExitTimeout, job.Result.ExitCode);
            string[] pids = responder.Stdout(job).Trim().Split('\n');
            Assert.Equal(spare.ToString(), pids[0]);
            WaitGone(int.Parse(pids[0]), TimeSpan.FromSeconds(10));
            WaitGone(int.Parse(pids[1]), TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task A_cancel_kills_a_job_from_a_spare_with_its_grandchildren()
        {
            await using var responder = ShellResponder();
            int spare = WaitForSpare(responder.Responder.Spares!, "sh");
            var job = responder.Submit("echo $$; sh -c 'sleep 60' & echo $!; sleep 60");
            string pidsFile = "";
            RunningResponder.WaitUntil(() =>
            {
                var temp = Directory.GetFiles(responder.Target.Layout.OutboxLane(1), job.Stem + ".stdout.*.tmp").FirstOrDefault();
                if (temp == null) return false;
                pidsFile = temp;
                return File.ReadAllText(temp).Split('\n').Length >= 3;
            }, TimeSpan.FromSeconds(30));
            string[] pids = File.ReadAllText(pidsFile).Trim().Split('\n');
            Assert.Equal(spare.ToString(), pids[0]);
            responder.Target.Cancel(job.Lane, job.Stem);
            var done = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.True(done.Result!.Cancelled);
            WaitGone(int.Parse(pids[0]), TimeSpan.FromSeconds(10));
            WaitGone(int.Parse(pids[1]), TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task Stopping_the_responder_ends_its_spares()
        {
            var responder = ShellResponder();
            int spare = WaitForSpare(responder.Responder.Spares!, "sh");
            await responder.StopAsync();
            WaitGone(spare, TimeSpan.FromSeconds(10));
            await responder.DisposeAsync();
        }

        private static void UnixFileMode(string path) => Outpost.Core.Transport.UnixFile.TrySetMode(path, Convert.ToInt32("755", 8));
    }
}
