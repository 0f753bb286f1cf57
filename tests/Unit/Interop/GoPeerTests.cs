using System.Linq;
using System.Diagnostics;
using System.IO;
using System.Text;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Interop
{
    /// <summary>
    /// Interop with the original Go outpost as a live peer, in both directions. The peer is the binary
    /// named by OUTPOST_GO_PEER (or /opt/go-outpost/bin/outpost); where there is none the tests skip.
    /// </summary>
    public class GoPeerTests
    {
        private static string Peer()
        {
            string? path = Environment.GetEnvironmentVariable("OUTPOST_GO_PEER");
            if (string.IsNullOrEmpty(path)) path = "/opt/go-outpost/bin/outpost";
            if (!File.Exists(path)) Assert.Skip("no Go outpost peer (set OUTPOST_GO_PEER): skipped");
            return path!;
        }

        private static Process Start(string program, string arguments, TempFolder home)
        {
            var info = new ProcessStartInfo(program, arguments)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            info.Environment["XDG_CONFIG_HOME"] = home.Combine("config"); // never the user's real configuration
            return Process.Start(info)!;
        }

        private static (int Exit, string Stdout, string Stderr) Run(string program, string arguments, TempFolder home, string? stdin = null)
        {
            using var process = Start(program, arguments, home);
            if (stdin != null) process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), $"{program} {arguments} did not finish");
            return (process.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public async Task Outpost_submitter_against_a_Go_responder()
        {
            HostRequirements.RequirePosixShell();
            string peer = Peer();
            using var home = new TempFolder();
            string share = home.Combine("share");
            using var responder = Start(peer, $"run --dir \"{share}\" --lanes 2 --name go-peer --poll 200ms", home);
            try
            {
                var target = new OutpostTarget(share);
                RunningResponder.WaitUntil(() => target.Probe().Available, TimeSpan.FromSeconds(30));
                var status = target.Probe();
                Assert.Equal("go-peer", status.ResponderName);
                Assert.Equal(2, status.Lanes.Count);

                var job = await target.WaitAsync(target.Submit(JobSubmission.FromText("echo out\necho err >&2\nexit 3\n", "sh")), TimeSpan.FromSeconds(30));
                Assert.Equal(3, job.Result!.ExitCode);
                Assert.Equal("out\n", Encoding.UTF8.GetString(target.ReadOutput(job, OutputStreamKind.Stdout)));
                Assert.Equal("err\n", Encoding.UTF8.GetString(target.ReadOutput(job, OutputStreamKind.Stderr)));

                var timed = JobSubmission.FromText("sleep 20\n", "sh");
                timed.TimeoutSeconds = 1;
                timed.Environment["GREETING"] = "hi there";
                Assert.Equal(Wire.ExitTimeout, (await target.WaitAsync(target.Submit(timed), TimeSpan.FromSeconds(30))).Result!.ExitCode);

                var env = JobSubmission.FromText("echo \"$GREETING\"\n", "sh");
                env.Environment["GREETING"] = "it's v1";
                var envJob = await target.WaitAsync(target.Submit(env), TimeSpan.FromSeconds(30));
                Assert.Equal("it's v1\n", Encoding.UTF8.GetString(target.ReadOutput(envJob, OutputStreamKind.Stdout)));

                var signed = JobSubmission.FromText("echo signed\n", "sh");
                signed.SigningKey = Outpost.Core.Trust.OutpostKey.Generate("interop");
                var signedJob = await target.WaitAsync(target.Submit(signed), TimeSpan.FromSeconds(30));
                Assert.Equal("signed\n", Encoding.UTF8.GetString(target.ReadOutput(signedJob, OutputStreamKind.Stdout)));

                // A v1 responder would run a job with files without them: refused before anything is written.
                var withFiles = JobSubmission.FromText("cat a.txt\n", "sh");
                File.WriteAllText(home.Combine("a.txt"), "a");
                withFiles.Attachments.Add(home.Combine("a.txt"));
                string lane1 = Path.Combine(share, "inbox", "1");
                var before = Directory.GetFiles(lane1).ToHashSet();
                Assert.Equal("FilesNotSupported", Assert.Throws<Outpost.Core.OutpostException>(() => target.Submit(withFiles)).ErrorId);
                // Nothing new: no job, no bundle (the Go responder may meanwhile archive an earlier job or rewrite its status).
                Assert.DoesNotContain(Directory.GetFiles(lane1), f => !before.Contains(f) && (f.EndsWith(".sh", StringComparison.Ordinal) || f.Contains(".files", StringComparison.Ordinal)));

                var longJob = target.Submit(JobSubmission.FromText("sleep 30\n", "sh"));
                RunningResponder.WaitUntil(() => target.Probe().Lanes[0].BusyStem == longJob.Stem, TimeSpan.FromSeconds(30));
                target.Cancel(longJob.Lane, longJob.Stem);
                var cancelled = await target.WaitAsync(longJob, TimeSpan.FromSeconds(30));
                Assert.Equal(Wire.ExitCancelled, cancelled.Result!.ExitCode);
                Assert.True(cancelled.Result.Cancelled);
            }
            finally
            {
                File.WriteAllText(Path.Combine(share, "STOP"), "");
                if (!responder.WaitForExit(20_000)) responder.Kill(true);
            }
            Assert.Equal(0, responder.ExitCode);
        }

        [Fact]
        public async Task Go_submitter_against_an_Outpost_responder()
        {
            string peer = Peer();
            using var home = new TempFolder();
            await using var responder = new RunningResponder(o => { o.LaneCount = 2; o.Name = "net-responder"; });
            string share = responder.SharePath;

            // This responder serves files (outpost_features=files); a v1 job without any runs exactly as before.
            Assert.Contains("files", responder.Target.Probe().Features);
            var (exit, stdout, stderr) = Run(peer, $"submit --dir \"{share}\" --ext sh -", home, "echo out\necho err >&2\nexit 5\n");
            Assert.Equal(5, exit);
            Assert.Equal("out\n", stdout);
            Assert.Contains("err", stderr);

            Assert.Equal(Wire.ExitTimeout, Run(peer, $"submit --dir \"{share}\" --ext sh --timeout 1s -", home, "sleep 20\n").Exit);
            Assert.Equal(2, Run(peer, $"submit --dir \"{share}\" --ext sh --lane 2 -", home, "exit 2\n").Exit);

            var status = Run(peer, $"status --dir \"{share}\"", home);
            Assert.Equal(0, status.Exit);
            Assert.Contains("net-responder", status.Stdout);
            Assert.Contains("AVAILABLE", status.Stdout);

            string stem = Run(peer, $"submit --dir \"{share}\" --ext sh --no-wait -", home, "sleep 30\n").Stdout.Trim();
            Assert.True(Stem.TryParse(stem, out _), stem);
            RunningResponder.WaitUntil(() => responder.Target.GetJob(1, stem).State == OutpostJobState.Running, TimeSpan.FromSeconds(30));
            Assert.Equal(0, Run(peer, $"cancel --dir \"{share}\" {stem}", home).Exit);
            Assert.Equal(Wire.ExitCancelled, responder.Target.Wait(responder.Target.GetJob(1, stem), TimeSpan.FromSeconds(30)).Result!.ExitCode);

            Assert.Equal(0, Run(peer, $"stop --dir \"{share}\"", home).Exit);
            Assert.Equal(ResponderStopReason.StopSentinel, await responder.Run.WaitAsync(TimeSpan.FromSeconds(30)));
        }
    }
}
