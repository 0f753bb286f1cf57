using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Files;
using Outpost.Core.Transport;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.Files
{
    /// <summary>Attachments out and artifacts back, through a real responder on a real folder.</summary>
    public class JobFilesTests
    {
        [Fact]
        public async Task A_folder_attached_is_staged_in_the_jobs_folder_and_an_artifact_comes_back()
        {
            using var local = new TempFolder();
            string src = local.Combine("src");
            Directory.CreateDirectory(Path.Combine(src, "sub", "empty"));
            File.WriteAllText(Path.Combine(src, "a.txt"), "alpha\n");
            File.WriteAllText(Path.Combine(src, "sub", "b é.txt"), "beta\n");
            File.WriteAllText(local.Combine("single.cfg"), "x=1\n");
            await using var responder = new RunningResponder();
            var job = responder.RunJob(
                "cat src/a.txt \"src/sub/b é.txt\" single.cfg; test -d src/sub/empty && echo empty-kept; " +
                "test \"$OUTPOST_ATTACHMENTS\" = \"$(pwd)\" && echo in-folder; mkdir -p out; wc -c < src/a.txt > out/report.log; echo skip > other.txt",
                "sh", s =>
                {
                    s.Attachments.Add(src);
                    s.Attachments.Add(local.Combine("single.cfg"));
                    s.Collect.Add("out/*.log");
                });
            Assert.True(job.Result!.ExitCode == 0, responder.Stderr(job));
            Assert.Equal("alpha\nbeta\nx=1\nempty-kept\nin-folder\n", responder.Stdout(job));
            Assert.Equal(1, job.Result.Artifacts);
            string home = local.Combine("home");
            var files = ArtifactReceiver.Receive(responder.Target, job, home, overwrite: false);
            Assert.Equal(new[] { Path.Combine(home, "out", "report.log") }, files);
            Assert.Equal("6", File.ReadAllText(files[0]).Trim());
            Assert.False(File.Exists(Path.Combine(home, "other.txt")));
            // The inbox keeps nothing of the job; its manifest is archived beside it (after the result is published, so waited for).
            RunningResponder.WaitUntil(() => Directory.GetFiles(Path.Combine(responder.SharePath, "inbox", "1"), job.Stem + "*").Length == 0, TimeSpan.FromSeconds(10));
            Assert.True(File.Exists(Path.Combine(responder.SharePath, "log", "1", job.Stem + ".sh.files")));
        }

        [Fact]
        public async Task A_part_changed_in_the_share_refuses_the_job()
        {
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("data.bin"), new string('x', 4096));
            await using var responder = new RunningResponder(o => o.PollInterval = TimeSpan.FromSeconds(30));
            var target = responder.Target;
            File.WriteAllText(Path.Combine(responder.SharePath, "PAUSE"), "");
            await Task.Delay(300);
            var job = responder.Submit("cat data.bin", "sh", s => s.Attachments.Add(local.Combine("data.bin")));
            string part = Path.Combine(responder.SharePath, "inbox", "1", job.Stem + ".sh.files.1");
            File.WriteAllText(part, new string('y', 4096));
            File.Delete(Path.Combine(responder.SharePath, "PAUSE"));
            job = target.Wait(job, TimeSpan.FromSeconds(60));
            Assert.Equal(125, job.Result!.ExitCode);
            Assert.Contains("does not match its SHA-256", responder.Stderr(job));
            RunningResponder.WaitUntil(() => !File.Exists(part), TimeSpan.FromSeconds(10)); // archived with the job: its parts go
        }

        [Fact]
        [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // skipped there by RequireUnix
        public async Task An_executable_attached_runs_as_one_and_an_executable_artifact_comes_home_as_one()
        {
            HostRequirements.RequireUnix("Unix execute bits");
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("build.sh"), "#!/bin/sh\necho built\n");
            File.SetUnixFileMode(local.Combine("build.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.WriteAllText(local.Combine("notes.txt"), "plain\n");
            await using var responder = new RunningResponder();
            var job = responder.RunJob("./build.sh && test ! -x notes.txt && printf '#!/bin/sh\\n' > tool && chmod +x tool", "sh", s =>
            {
                s.Attachments.Add(local.Combine("build.sh"));
                s.Attachments.Add(local.Combine("notes.txt"));
                s.Collect.Add("tool");
            });
            Assert.True(job.Result!.ExitCode == 0, responder.Stderr(job));
            Assert.Equal("built\n", responder.Stdout(job));
            var files = ArtifactReceiver.Receive(responder.Target, job, local.Combine("home"), overwrite: false);
            Assert.True(File.GetUnixFileMode(files.Single()).HasFlag(UnixFileMode.UserExecute));
        }

        [Fact]
        public void A_v1_responder_that_does_not_advertise_files_is_refused_before_anything_is_written()
        {
            using var share = new TempFolder();
            Directory.CreateDirectory(share.Combine("inbox"));
            File.WriteAllText(share.Combine("inbox", "dispatch.txt"), "protocol_version=1\nlane_count=1\ndispatch.sh=/bin/sh\n");
            File.WriteAllText(share.Combine("a.txt"), "a");
            var target = new OutpostTarget(share.Path, "go-peer");
            var submission = JobSubmission.FromText("cat a.txt", "sh");
            submission.Attachments.Add(share.Combine("a.txt"));
            var e = Assert.Throws<OutpostException>(() => target.Submit(submission));
            Assert.Equal("FilesNotSupported", e.ErrorId);
            Assert.False(Directory.Exists(share.Combine("inbox", "1")) && Directory.GetFiles(share.Combine("inbox", "1")).Length > 0);
        }
    }
}
