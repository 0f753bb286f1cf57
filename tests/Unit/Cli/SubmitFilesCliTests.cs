using System.IO;
using System.Text.Json;
using Outpost.Tests.Support;
using static Outpost.Tests.Cli.CliTests;

namespace Outpost.Tests.Cli
{
    /// <summary><c>outpost submit --attach / --collect / --collect-to</c>, run as a real process against a real responder.</summary>
    public class SubmitFilesCliTests
    {
        [Fact]
        public async Task Attached_folder_is_read_by_the_job_and_its_artifacts_come_home()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder();
            using var local = new TempFolder();
            string src = local.Combine("src");
            Directory.CreateDirectory(Path.Combine(src, "sub"));
            File.WriteAllText(Path.Combine(src, "sub", "input.txt"), "from home\n");
            string script = local.Combine("job.sh");
            File.WriteAllText(script, "cat src/sub/input.txt; mkdir -p out/deep; wc -c < src/sub/input.txt > out/deep/size.log; echo no > skip.txt; exit 3\n");
            string home = local.Combine("home");

            var (exit, stdout, stderr) = RunCli($"submit --dir \"{responder.SharePath}\" --attach \"{src}\" --collect \"out/**/*.log\" --collect-to \"{home}\" --compress \"{script}\"");

            Assert.True(exit == 3, stderr); // the job's own exit code, artifacts or not
            Assert.Equal("from home\n", stdout);
            Assert.Equal("10", File.ReadAllText(Path.Combine(home, "out", "deep", "size.log")).Trim());
            Assert.False(File.Exists(Path.Combine(home, "skip.txt")));
        }

        [Fact]
        public async Task Collect_to_a_folder_that_has_the_file_fails_unless_forced_and_json_lists_what_came()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder();
            using var local = new TempFolder();
            string home = local.Combine("home");
            Directory.CreateDirectory(home);
            File.WriteAllText(Path.Combine(home, "r.txt"), "old\n");
            string common = $"submit --dir \"{responder.SharePath}\" --ext sh --collect r.txt --collect-to \"{home}\"";

            var refused = RunCli(common + " -", "echo new > r.txt\n");
            Assert.Equal(1, refused.Exit);
            Assert.Contains("already exists", refused.Stderr);
            Assert.Equal("old\n", File.ReadAllText(Path.Combine(home, "r.txt")));

            var forced = RunCli(common + " --force --json -", "echo new > r.txt\n");
            Assert.True(forced.Exit == 0, forced.Stderr);
            Assert.Equal("new\n", File.ReadAllText(Path.Combine(home, "r.txt")));
            using var json = JsonDocument.Parse(forced.Stdout);
            Assert.Equal(1, json.RootElement.GetProperty("artifacts").GetInt32());
            Assert.Equal(Path.Combine(home, "r.txt"), json.RootElement.GetProperty("received")[0].GetString());
        }

        [Fact]
        public async Task Artifacts_not_asked_home_are_mentioned_on_stderr()
        {
            HostRequirements.RequirePosixShell();
            await using var responder = new RunningResponder();
            var (exit, stdout, stderr) = RunCli($"submit --dir \"{responder.SharePath}\" --ext sh --collect a.txt -", "echo hi > a.txt; echo done\n");
            Assert.Equal(0, exit);
            Assert.Equal("done\n", stdout);
            Assert.Contains("1 artifact(s)", stderr);
            Assert.Contains("--collect-to", stderr);
        }

        [Fact]
        public async Task A_missing_attachment_exits_2_before_anything_reaches_the_share()
        {
            await using var responder = new RunningResponder();
            string missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"));
            var (exit, _, stderr) = RunCli($"submit --dir \"{responder.SharePath}\" --ext sh --attach \"{missing}\" -", "true\n");
            Assert.Equal(2, exit);
            Assert.Contains($"--attach {missing}: no such file or folder", stderr);
            string lane = Path.Combine(responder.SharePath, "inbox", "1");
            Assert.DoesNotContain(Directory.GetFiles(lane), f => f.EndsWith(".sh", StringComparison.Ordinal) || f.Contains(".files", StringComparison.Ordinal));
        }

        [Fact]
        public void A_v1_responder_is_refused_with_exit_1_and_the_reason()
        {
            using var share = new TempFolder();
            Directory.CreateDirectory(share.Combine("inbox"));
            File.WriteAllText(share.Combine("inbox", "dispatch.txt"), "protocol_version=1\nlane_count=1\ndispatch.sh=/bin/sh\n");
            File.WriteAllText(share.Combine("data.txt"), "x");
            var (exit, _, stderr) = RunCli($"submit --dir \"{share.Path}\" --ext sh --attach \"{share.Combine("data.txt")}\" -", "cat data.txt\n");
            Assert.Equal(1, exit);
            Assert.Contains("does not take files", stderr);
            Assert.False(Directory.Exists(share.Combine("inbox", "1")) && Directory.GetFiles(share.Combine("inbox", "1")).Length > 0);
        }

        [Theory]
        [InlineData("--collect-to home -", "needs at least one --collect")]
        [InlineData("--collect a --collect-to home --no-wait -", "cannot go with --no-wait")]
        [InlineData("--collect ../up -", "--collect ../up")]
        [InlineData("--compress -", "--compress applies")]
        [InlineData("--force -", "--force applies to --collect-to")]
        [InlineData("--attach", "--attach needs a value")]
        public void Misused_file_flags_are_usage_errors(string flags, string message)
        {
            using var share = new TempFolder();
            var (exit, _, stderr) = RunCli($"submit --dir \"{share.Path}\" --ext sh {flags}", "true\n");
            Assert.Equal(2, exit);
            Assert.Contains(message, stderr);
            Assert.Contains("usage: outpost submit", stderr);
        }

        [Fact]
        public void Help_describes_the_file_flags()
        {
            var (exit, stdout, _) = RunCli("submit --help");
            Assert.Equal(0, exit);
            foreach (string flag in new[] { "--attach", "--collect GLOB", "--collect-to", "--compress", "OUTPOST_ATTACHMENTS" })
                Assert.Contains(flag, stdout);
        }
    }
}
