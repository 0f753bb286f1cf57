using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Config;
using Outpost.Core.Files;
using Outpost.Core.Responding;
using Outpost.Core.Transport;
using Outpost.Core.Trust;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.Files
{
    /// <summary>Someone with write access to the share, and no key, against a job's files.</summary>
    public class JobFilesAttackTests
    {
        private static readonly OutpostKey Mine = OutpostKey.Generate("me@laptop");

        private static string Inbox(RunningResponder r, string name) => Path.Combine(r.SharePath, "inbox", "1", name);

        private static void Pause(RunningResponder r)
        {
            File.WriteAllText(Path.Combine(r.SharePath, "PAUSE"), "");
            Thread.Sleep(300); // a lane in the middle of a tick finishes it
        }

        private static void Resume(RunningResponder r) => File.Delete(Path.Combine(r.SharePath, "PAUSE"));

        [Fact]
        public async Task A_signed_job_whose_files_were_replaced_by_a_consistent_bundle_is_refused()
        {
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("setup.sh"), "echo genuine\n");
            File.WriteAllText(local.Combine("evil.sh"), $"touch '{local.Combine("pwned")}'\n");
            await using var responder = new RunningResponder(o =>
                o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Mine }, LedgerPath = local.Combine("seen.txt") });
            Pause(responder);
            var job = responder.Submit("sh setup.sh", "sh", s => { s.SigningKey = Mine; s.Attachments.Add(local.Combine("setup.sh")); });
            // The attacker rebuilds the whole bundle, manifest and parts, with their own file under the same name.
            string evilFolder = local.Combine("evil");
            Directory.CreateDirectory(evilFolder);
            File.Copy(local.Combine("evil.sh"), Path.Combine(evilFolder, "setup.sh"));
            var manifest = JobFiles.ManifestAddress(1, job.Stem + ".sh");
            new BundleWriter(new FileShareTransport(responder.SharePath), manifest).Write(BundleItem.FromLocalPaths(new[] { Path.Combine(evilFolder, "setup.sh") }), new BundleManifest());
            Resume(responder);
            job = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(125, job.Result!.ExitCode);
            Assert.Contains("not the one the job names", responder.Stderr(job));
            Assert.False(File.Exists(local.Combine("pwned")));
        }

        [Fact]
        public async Task A_job_over_the_attachment_limit_is_refused_by_policy()
        {
            using var local = new TempFolder();
            File.WriteAllBytes(local.Combine("big.bin"), new byte[1000]);
            await using var responder = new RunningResponder(o => o.Policy = new JobPolicy { MaxAttachmentBytes = 100 });
            var job = responder.RunJob($"touch '{local.Combine("ran")}'", "sh", s => s.Attachments.Add(local.Combine("big.bin")));
            Assert.Equal(125, job.Result!.ExitCode);
            Assert.Contains("more than max_attachment_bytes = 100", responder.Stderr(job));
            Assert.False(File.Exists(local.Combine("ran")));
        }

        [Fact]
        public async Task A_job_that_arrives_before_its_files_waits_for_them_then_runs()
        {
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("data.txt"), "late but whole\n");
            await using var responder = new RunningResponder();
            Pause(responder);
            var job = responder.Submit("cat data.txt", "sh", s => s.Attachments.Add(local.Combine("data.txt")));
            // As a sync tool may: the job is there, its part is not yet.
            string part = Inbox(responder, job.Stem + ".sh.files.1");
            File.Move(part, local.Combine("in-flight"));
            Resume(responder);
            RunningResponder.WaitUntil(() => File.ReadAllText(Inbox(responder, "status.txt")).Contains("waiting for the job's files"), TimeSpan.FromSeconds(10));
            Assert.Null(responder.Target.GetJob(1, job.Stem).Result);
            File.Move(local.Combine("in-flight"), part);
            job = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(0, job.Result!.ExitCode);
            Assert.Equal("late but whole\n", responder.Stdout(job));
        }

        [Fact]
        public async Task Files_that_never_arrive_refuse_the_job_after_the_grace()
        {
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("data.txt"), "x");
            await using var responder = new RunningResponder(o => o.FilesGrace = TimeSpan.FromSeconds(1));
            Pause(responder);
            var job = responder.Submit("cat data.txt", "sh", s => s.Attachments.Add(local.Combine("data.txt")));
            File.Delete(Inbox(responder, job.Stem + ".sh.files"));
            Resume(responder);
            job = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(125, job.Result!.ExitCode);
            Assert.Contains("did not arrive within 1 s", responder.Stderr(job));
        }

        [Fact]
        public async Task A_planted_job_whose_manifest_climbs_out_of_its_folder_writes_nothing()
        {
            using var local = new TempFolder();
            await using var responder = new RunningResponder();
            Pause(responder);
            string stem = "20261202_030000_000000-evil";
            byte[] manifest = System.Text.Encoding.UTF8.GetBytes(
                "format=outpost-files-v1\ncompression=none\npart_bytes=100\nparts=1\npart.1.bytes=5\nentries=1\n" +
                $"entry.1.path=../../../../../..{local.Path}/escaped\nentry.1.kind=file\nentry.1.bytes=5\n" +
                "entry.1.sha256=" + new string('0', 64) + "\ncollect=0\n");
            File.WriteAllBytes(Inbox(responder, stem + ".sh.files"), manifest);
            File.WriteAllText(Inbox(responder, stem + ".sh.files.1"), "12345");
            File.WriteAllText(Inbox(responder, stem + ".sh"), $"# outpost-files={Outpost.Core.Trust.JobSignature.Sha256Hex(manifest)}\ntouch '{local.Combine("ran")}'\n");
            Resume(responder);
            var job = responder.Target.Wait(responder.Target.GetJob(1, stem), TimeSpan.FromSeconds(30));
            Assert.Equal(125, job.Result!.ExitCode);
            Assert.Contains("'..'", responder.Stderr(job));
            Assert.False(File.Exists(local.Combine("escaped")));
            Assert.False(File.Exists(local.Combine("ran")));
        }

        [Fact]
        public async Task A_part_swapped_for_a_link_is_never_followed()
        {
            HostRequirements.RequirePosixShell();
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("data.txt"), "mine\n");
            File.WriteAllText(local.Combine("secret"), "mine\n");
            await using var responder = new RunningResponder();
            Pause(responder);
            var job = responder.Submit($"cat data.txt; touch '{local.Combine("ran")}'", "sh", s => s.Attachments.Add(local.Combine("data.txt")));
            string part = Inbox(responder, job.Stem + ".sh.files.1");
            File.Delete(part);
            File.CreateSymbolicLink(part, local.Combine("secret"));
            Resume(responder);
            job = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(125, job.Result!.ExitCode);
            Assert.Contains("is a link", responder.Stderr(job));
            Assert.False(File.Exists(local.Combine("ran")));
            Assert.True(File.Exists(local.Combine("secret"))); // the link was removed, never its target
        }

        [Fact]
        public async Task Artifacts_are_collected_without_following_the_jobs_links()
        {
            HostRequirements.RequirePosixShell();
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("outside.txt"), "not for the share\n");
            await using var responder = new RunningResponder();
            var job = responder.RunJob($"mkdir out; echo ok > out/real.txt; ln -s '{local.Combine("outside.txt")}' out/link.txt; ln -s '{local.Path}' out/dir",
                "sh", s => s.Collect.Add("out/**"));
            Assert.Equal(1, job.Result!.Artifacts);
            var files = ArtifactReceiver.Receive(responder.Target, job, local.Combine("home"), overwrite: false);
            Assert.Equal(new[] { Path.Combine(local.Combine("home"), "out", "real.txt") }, files);
        }

        [Fact]
        public async Task Artifacts_changed_in_the_share_are_refused_at_home_and_nothing_takes_their_name()
        {
            using var local = new TempFolder();
            await using var responder = new RunningResponder();
            var job = responder.RunJob("echo genuine > report.txt", "sh", s => s.Collect.Add("*.txt"));
            File.WriteAllText(Path.Combine(responder.SharePath, "outbox", "1", job.Stem + ".artifacts.1"), "forged!!\n");
            var e = Assert.Throws<Outpost.Core.OutpostException>(() => ArtifactReceiver.Receive(responder.Target, job, local.Combine("home"), overwrite: false));
            Assert.Equal("ArtifactDamaged", e.ErrorId);
            Assert.Empty(Directory.GetFiles(local.Combine("home"), "*", SearchOption.AllDirectories));
        }

        [Fact]
        public void Retention_sweeps_the_files_of_jobs_that_never_came_and_old_artifacts_but_not_a_queued_jobs()
        {
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            var transport = new FileShareTransport(share);
            transport.PrepareLayout(1);
            string inbox = Path.Combine(share, "inbox", "1"), outbox = Path.Combine(share, "outbox", "1");
            const string old = "20200101_000000_000000-x", oldQueued = "20200101_000000_000001-y";
            foreach (string name in new[] { old + ".sh.files", old + ".sh.files.1", oldQueued + ".sh", oldQueued + ".sh.files", oldQueued + ".sh.files.1" })
                File.WriteAllText(Path.Combine(inbox, name), "x");
            File.WriteAllText(Path.Combine(outbox, old + ".artifacts"), "x");
            File.WriteAllText(Path.Combine(outbox, old + ".artifacts.1"), "x");
            Assert.Equal(4, RetentionSweeper.Sweep(transport, 7, DateTime.UtcNow));
            Assert.Equal(new[] { oldQueued + ".sh", oldQueued + ".sh.files", oldQueued + ".sh.files.1" },
                Directory.GetFiles(inbox).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Empty(Directory.GetFiles(outbox));
        }

        [Fact]
        public async Task A_withdrawn_job_takes_its_files_with_it()
        {
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("a.txt"), "a");
            await using var responder = new RunningResponder();
            Pause(responder);
            var job = responder.Submit("cat a.txt", "sh", s => s.Attachments.Add(local.Combine("a.txt")));
            Assert.True(responder.Target.Withdraw(job));
            Assert.Empty(Directory.GetFiles(Path.Combine(responder.SharePath, "inbox", "1"), job.Stem + "*"));
        }

        [Fact]
        public async Task A_submitter_killed_while_sending_files_leaves_nothing_that_runs_or_passes_for_complete()
        {
            HostRequirements.RequirePosixShell();
            using var local = new TempFolder();
            string big = local.Combine("big.bin");
            using (var file = new FileStream(big, FileMode.CreateNew)) file.SetLength(1536L * 1024 * 1024);
            File.WriteAllText(local.Combine("job.sh"), $"touch '{local.Combine("ran")}'\n");
            await using var responder = new RunningResponder();
            string inbox = Path.Combine(responder.SharePath, "inbox", "1");
            using (var submitter = Process.Start(new ProcessStartInfo("dotnet",
                       $"\"{Path.Combine(AppContext.BaseDirectory, "outpost.dll")}\" submit --dir \"{responder.SharePath}\" --attach \"{big}\" --no-wait \"{local.Combine("job.sh")}\"")
                       { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!)
            {
                // Killed once its first part is in place, while the rest of 1.5 GiB is still being written.
                RunningResponder.WaitUntil(() => Directory.GetFiles(inbox, "*.sh.files.1").Length > 0 || submitter.HasExited, TimeSpan.FromSeconds(60));
                if (submitter.HasExited) Assert.Fail("the submitter finished before it could be killed: " + submitter.StandardError.ReadToEnd());
                submitter.Kill();
                submitter.WaitForExit();
            }
            await Task.Delay(1000); // a responder that could take anything has had time to
            var left = Directory.GetFiles(inbox).Select(Path.GetFileName).ToList();
            Assert.False(left.Any(n => n!.EndsWith(".sh", StringComparison.Ordinal)), string.Join(", ", left)); // no job
            Assert.DoesNotContain(left, n => n!.EndsWith(".sh.files", StringComparison.Ordinal)); // no manifest
            var parts = Directory.GetFiles(inbox, "*.sh.files.*").Where(p => !p.EndsWith(".tmp", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(parts);
            foreach (string part in parts) Assert.Equal(BundleManifest.DefaultPartBytes, new FileInfo(part).Length); // a part under its name is whole
            Assert.False(File.Exists(local.Combine("ran")));
            Assert.Empty(Directory.GetFiles(Path.Combine(responder.SharePath, "outbox", "1"), "*.result"));
            // The bundle without a job is swept once its stem is past the retention cutoff.
            RetentionSweeper.Sweep(new FileShareTransport(responder.SharePath), 7, DateTime.UtcNow.AddDays(8));
            Assert.DoesNotContain(Directory.GetFiles(inbox, "*.sh.files.*"), p => !p.EndsWith(".tmp", StringComparison.Ordinal));
        }

        [Fact]
        public void A_responder_killed_while_a_job_with_files_runs_restages_them_for_its_retry()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(share);
            File.WriteAllBytes(folder.Combine("payload.bin"), Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7)).ToArray());
            string started = folder.Combine("started");
            var target = new OutpostTarget(share);
            using (var first = ResponderProcess.Start(share))
            {
                RunningResponder.WaitUntil(() => File.Exists(Path.Combine(share, "inbox", "dispatch.txt")), TimeSpan.FromSeconds(30));
                var submission = JobSubmission.FromText($"# retry=1\nsha256sum payload.bin | cut -c1-64\ntouch '{started}'\nsleep 30\n", "sh");
                submission.Attachments.Add(folder.Combine("payload.bin"));
                target.Submit(submission);
                RunningResponder.WaitUntil(() => File.Exists(started), TimeSpan.FromSeconds(30));
                first.Kill();
                first.WaitForExit();
            }
            File.Delete(started);
            // A killed holder's claim stays fresh for 10 s; operators wait that out, the test ages it.
            var claim = Path.Combine(share, "inbox", ResponderClaim.FileName);
            File.WriteAllLines(claim, File.ReadAllLines(claim).Where(l => !l.StartsWith("heartbeat=")).Append("heartbeat=2020-01-01.00:00:00.000"));
            using var second = ResponderProcess.Start(share);
            RunningResponder.WaitUntil(() => File.Exists(started), TimeSpan.FromSeconds(30)); // the retry got its files again
            var job = target.GetJobs().Single();
            target.Cancel(job.Lane, job.Stem);
            job = target.Wait(job, TimeSpan.FromSeconds(30));
            string expected = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(folder.Combine("payload.bin")))).ToLowerInvariant();
            Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(target.ReadOutput(job, OutputStreamKind.Stdout)).Trim());
            second.Kill();
        }
    }
}
