using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Engine
{
    /// <summary>A real responder on a real temp folder, running real sh processes.</summary>
    public class RoundTripTests
    {
        [Fact]
        public async Task A_job_comes_back_with_its_output_and_exit_code()
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob("echo hello\necho oops >&2\nexit 3\n");
            Assert.Equal(OutpostJobState.Failed, job.State);
            Assert.Equal(3, job.Result!.ExitCode);
            Assert.Equal("hello\n", responder.Stdout(job));
            Assert.Equal("oops\n", responder.Stderr(job));
            Assert.Equal(6, job.Result.StdoutBytes);
            Assert.Equal(5, job.Result.StderrBytes);
            // The job is archived right after its result is published, and the result has exactly the v1 keys.
            RunningResponder.WaitUntil(() => File.Exists(Path.Combine(responder.SharePath, "log", "1", job.Stem + ".sh")), TimeSpan.FromSeconds(10));
            Assert.False(File.Exists(Path.Combine(responder.SharePath, "inbox", "1", job.Stem + ".sh")));
            var keys = KeyValueFile.Parse(File.ReadAllBytes(Path.Combine(responder.SharePath, "outbox", "1", job.Stem + ".result"))).Pairs.Select(p => p.Key);
            Assert.Equal(JobResult.Keys, keys);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        [InlineData(42)]
        [InlineData(255)]
        public async Task Exit_codes_pass_through(int code)
        {
            await using var responder = new RunningResponder();
            Assert.Equal(code, responder.RunJob($"exit {code}\n").Result!.ExitCode);
        }

        [Fact]
        public async Task Binary_and_non_utf8_output_comes_back_byte_for_byte()
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob("printf '\\377\\376\\000\\001abc\\200'\nprintf '\\351t\\351' >&2\n");
            Assert.Equal(new byte[] { 0xFF, 0xFE, 0x00, 0x01, (byte)'a', (byte)'b', (byte)'c', 0x80 }, responder.Target.ReadOutput(job, OutputStreamKind.Stdout));
            Assert.Equal(new byte[] { 0xE9, (byte)'t', 0xE9 }, responder.Target.ReadOutput(job, OutputStreamKind.Stderr));
        }

        [Fact]
        public async Task Output_past_the_cap_is_dropped_and_flagged_while_the_job_keeps_running()
        {
            await using var responder = new RunningResponder(o => o.OutputCapBytes = 1000);
            // 200 KB on stdout, then a line on stderr and exit 7: the job must run to the end.
            var job = responder.RunJob("head -c 200000 /dev/zero\necho done >&2\nexit 7\n");
            Assert.Equal(7, job.Result!.ExitCode);
            Assert.True(job.Result.StdoutTruncated);
            Assert.False(job.Result.StderrTruncated);
            Assert.Equal(1000, job.Result.StdoutBytes);
            Assert.Equal(1000, new FileInfo(job.Result.StdoutPath).Length);
            Assert.Equal("done\n", responder.Stderr(job));
        }

        [Fact]
        public async Task A_timeout_header_ends_the_job_with_124()
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob("# timeout=1\nsleep 20\n");
            Assert.Equal(Wire.ExitTimeout, job.Result!.ExitCode);
            Assert.True(job.Result.TimedOut);
            Assert.Equal(OutpostJobState.TimedOut, job.State);
            Assert.True(job.Result.Duration < TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task A_caller_timeout_travels_as_the_header()
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob("sleep 20\n", configure: s => s.TimeoutSeconds = 1);
            Assert.Equal(Wire.ExitTimeout, job.Result!.ExitCode);
            string archivedPath = Path.Combine(responder.SharePath, "log", "1", job.Stem + ".sh");
            RunningResponder.WaitUntil(() => File.Exists(archivedPath), TimeSpan.FromSeconds(10)); // archived just after the result
            string archived = File.ReadAllText(archivedPath);
            Assert.StartsWith("# timeout=1\n", archived);
        }

        [Fact]
        public async Task The_default_timeout_applies_without_a_header()
        {
            await using var responder = new RunningResponder(o => o.DefaultTimeout = TimeSpan.FromSeconds(1));
            Assert.Equal(Wire.ExitTimeout, responder.RunJob("sleep 20\n").Result!.ExitCode);
        }

        [Fact]
        public async Task An_invalid_header_gives_125_and_the_v1_message()
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob("# timeout=999999\necho never\n");
            Assert.Equal(Wire.ExitDispatchError, job.Result!.ExitCode);
            Assert.Equal("invalid timeout header \"timeout=999999\" (expected 1..86400)\n", responder.Stderr(job));
            Assert.Equal("", responder.Stdout(job));
        }

        [Fact]
        public async Task An_extension_without_interpreter_gives_125()
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob("whatever", "xyz");
            Assert.Equal(Wire.ExitDispatchError, job.Result!.ExitCode);
            Assert.Equal("no interpreter configured for .xyz\n", responder.Stderr(job));
            Assert.Equal(35, job.Result.StderrBytes);
        }

        [Fact]
        public async Task Environment_and_working_directory_are_folded_into_the_script()
        {
            using var work = new TempFolder();
            await using var responder = new RunningResponder();
            var job = responder.RunJob("echo \"$GREETING\"; pwd\n", configure: s =>
            {
                s.Environment["GREETING"] = "it's $HOME `x`";
                s.WorkingDirectory = work.Path;
            });
            Assert.Equal(0, job.Result!.ExitCode);
            Assert.Equal("it's $HOME `x`\n" + work.Path + "\n", responder.Stdout(job));
        }

        [Fact]
        public async Task Jobs_in_one_lane_run_in_stem_order()
        {
            await using var responder = new RunningResponder();
            responder.Target.SetSentinel(Wire.PauseSentinel);
            string order = Path.Combine(responder.SharePath, "..", "order.txt");
            var jobs = Enumerable.Range(0, 5).Select(i => responder.Submit($"echo {i} >> '{order}'\n")).ToList();
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            foreach (var job in jobs) responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal("0\n1\n2\n3\n4\n", File.ReadAllText(order));
        }

        [Fact]
        public async Task A_submit_never_replaces_an_existing_job_file()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder(o => o.LaneCount = 1);
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var frozen = new StemGenerator(() => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            // Two targets with their own frozen generators produce the same first stem.
            var a = new OutpostTarget(responder.SharePath, stems: new StemGenerator(() => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            var b = new OutpostTarget(responder.SharePath, stems: new StemGenerator(() => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            var first = a.Submit(JobSubmission.FromText("echo a\n", "sh"));
            var second = b.Submit(JobSubmission.FromText("echo b\n", "sh"));
            Assert.NotEqual(first.Stem, second.Stem);
            Assert.Equal("echo a\n", File.ReadAllText(Path.Combine(responder.SharePath, "inbox", "1", first.Stem + ".sh")));
        }

        [Fact]
        public async Task Submitting_to_a_newer_protocol_is_refused()
        {
            using var folder = new TempFolder();
            Directory.CreateDirectory(folder.Combine("inbox"));
            File.WriteAllText(folder.Combine("inbox", "dispatch.txt"), "protocol_version=2\nlane_count=1\n");
            var target = new OutpostTarget(folder.Path);
            var e = Assert.Throws<OutpostException>(() => target.Submit(JobSubmission.FromText("echo", "sh")));
            Assert.Equal(OutpostErrorKind.ProtocolMismatch, e.Kind);
            Assert.Contains("protocol version mismatch", e.Message);
            await Task.CompletedTask;
        }

        [Fact]
        public void A_submit_to_a_missing_folder_is_a_connection_error()
        {
            var target = new OutpostTarget(Path.Combine(Path.GetTempPath(), "no-such-outpost-share-" + Guid.NewGuid()));
            var e = Assert.Throws<OutpostException>(() => target.Submit(JobSubmission.FromText("echo", "sh")));
            Assert.Equal(OutpostErrorKind.ConnectionError, e.Kind);
        }

        [Fact]
        public async Task A_job_submitted_before_any_responder_runs_once_one_starts()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(share);
            var target = new OutpostTarget(share);
            var job = target.Submit(JobSubmission.FromText("echo queued\n", "sh"));
            await using var responder = new RunningResponder(sharePath: share);
            var done = target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal("queued\n", Encoding.UTF8.GetString(target.ReadOutput(done, OutputStreamKind.Stdout)));
        }
    }
}
