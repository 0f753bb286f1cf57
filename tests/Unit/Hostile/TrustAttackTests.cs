using System.IO;
using System.Text;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Trust;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hostile
{
    /// <summary>Issue 14, items 6, 9 and 11: forged results, replays across shares and paths, retries of signed jobs.</summary>
    public class TrustAttackTests
    {
        private static readonly OutpostKey Submitter = OutpostKey.Generate("me");
        private static readonly OutpostKey ResponderKey = OutpostKey.Generate("responder");
        private static readonly OutpostKey Forger = OutpostKey.Generate("forger");

        private static void PlantResult(string share, string stem, int exit, string stdout, OutpostKey? signWith = null)
        {
            string outbox = Path.Combine(share, "outbox", "1");
            var result = new JobResult { Stem = stem, Lane = 1, Extension = "sh", Label = "sh", ExitCode = exit, Started = DateTime.UtcNow, Finished = DateTime.UtcNow, StdoutBytes = stdout.Length };
            byte[] bytes = result.ToKeyValues().ToBytes();
            File.WriteAllText(Path.Combine(outbox, stem + ".stdout"), stdout);
            File.WriteAllText(Path.Combine(outbox, stem + ".stderr"), "");
            if (signWith != null)
                File.WriteAllBytes(Path.Combine(outbox, stem + ".result.sig"), ResultSignature.Create(signWith, "test-responder", stem, 1, bytes,
                    JobSignature.Sha256Hex(Encoding.UTF8.GetBytes(stdout)), JobSignature.Sha256Hex(Array.Empty<byte>())).ToKeyValues().ToBytes());
            Outpost.Core.Transport.AtomicFile.Write(Path.Combine(outbox, stem + ".result"), bytes); // whole, as a responder would
        }

        [Fact]
        public async Task Item6_a_planted_result_neither_skips_the_job_nor_stays_its_answer()
        {
            using var state = new TempFolder();
            await using var responder = new RunningResponder(o => o.JobRecordPath = state.Combine("jobs.txt"));
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = responder.Submit("echo really-ran; exit 7\n");
            PlantResult(responder.SharePath, job.Stem, 0, "all tests passed\n");
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            string archived = Path.Combine(responder.SharePath, "log", "1", job.Stem + ".sh");
            RunningResponder.WaitUntil(() => File.Exists(archived), TimeSpan.FromSeconds(30));
            var done = responder.Target.GetJob(1, job.Stem);
            Assert.Equal(7, done.Result!.ExitCode);
            Assert.Equal("really-ran\n", responder.Stdout(done));
        }

        [Fact]
        public async Task Item6_with_a_pinned_responder_key_a_forged_result_is_an_error()
        {
            await using var responder = new RunningResponder(o => o.ResultKey = ResponderKey);
            var pinned = new OutpostTarget(responder.SharePath, "pinned") { ResponderKey = ResponderKey };
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = pinned.Submit(JobSubmission.FromText("echo real\n", "sh"));
            foreach (var forger in new OutpostKey?[] { null, Forger })
            {
                PlantResult(responder.SharePath, job.Stem, 0, "all tests passed\n", forger);
                var error = Assert.Throws<OutpostException>(() => pinned.Wait(job, TimeSpan.FromSeconds(10)));
                Assert.Equal("ResultRejected", error.ErrorId);
            }
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            RunningResponder.WaitUntil(() => File.Exists(Path.Combine(responder.SharePath, "log", "1", job.Stem + ".sh")), TimeSpan.FromSeconds(30));
            var real = pinned.Wait(job, TimeSpan.FromSeconds(10));
            Assert.Equal("real\n", Encoding.UTF8.GetString(pinned.ReadOutput(real, OutputStreamKind.Stdout)));
        }

        [Fact]
        public async Task Item6_a_signed_result_whose_output_is_edited_afterwards_is_rejected()
        {
            await using var responder = new RunningResponder(o => o.ResultKey = ResponderKey);
            var pinned = new OutpostTarget(responder.SharePath, "pinned") { ResponderKey = ResponderKey };
            var job = pinned.Wait(pinned.Submit(JobSubmission.FromText("echo real\n", "sh")), TimeSpan.FromSeconds(30));
            File.WriteAllText(Path.Combine(responder.SharePath, "outbox", "1", job.Stem + ".stdout"), "forged\n");
            var error = Assert.Throws<OutpostException>(() => pinned.ReadOutput(job, OutputStreamKind.Stdout));
            Assert.Equal("ResultRejected", error.ErrorId);
        }

        [Fact]
        public async Task Item6_an_unsigned_result_is_rejected_by_a_pinned_submitter_and_accepted_by_others()
        {
            await using var responder = new RunningResponder(); // no result key: signs nothing, as v1
            var pinned = new OutpostTarget(responder.SharePath, "pinned") { ResponderKey = ResponderKey };
            var job = responder.RunJob("echo plain\n");
            Assert.Equal("plain\n", responder.Stdout(job));
            Assert.Equal("ResultRejected", Assert.Throws<OutpostException>(() => pinned.Wait(job, TimeSpan.FromSeconds(5))).ErrorId);
        }

        private static RunningResponder Strict(string? share = null, string name = "test-responder", string? ledger = null) => new(o =>
        {
            o.Name = name;
            o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Submitter }, LedgerPath = ledger };
        }, share);

        [Fact]
        public async Task Item9_a_signed_job_copied_to_another_share_is_refused_there()
        {
            using var marker = new TempFolder();
            await using var home = Strict(name: "prod-db");
            await using var other = Strict(name: "build-box");
            home.Target.SetSentinel(Wire.PauseSentinel);
            var job = home.Submit($"touch '{marker.Combine("ran")}'\n", configure: s => s.SigningKey = Submitter);
            foreach (string suffix in new[] { ".sh.sig", ".sh" })
                Outpost.Core.Transport.AtomicFile.Write(Path.Combine(other.SharePath, "inbox", "1", job.Stem + suffix),
                    File.ReadAllBytes(Path.Combine(home.SharePath, "inbox", "1", job.Stem + suffix)));
            var copied = other.Target.Wait(other.Target.GetJob(1, job.Stem), TimeSpan.FromSeconds(30));
            Assert.Equal(Wire.ExitDispatchError, copied.Result!.ExitCode);
            Assert.Contains("signed for the responder \"prod-db\"", other.Stderr(copied));
            Assert.False(File.Exists(marker.Combine("ran")));
        }

        [Fact]
        public async Task Item9_the_ledger_is_keyed_by_the_resolved_share_so_a_trailing_slash_does_not_replay()
        {
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            string alias = folder.Combine("alias");
            Directory.CreateDirectory(share);
            Plant.Link(alias, share);
            Assert.Equal(TrustPolicy.DefaultLedgerPath(share), TrustPolicy.DefaultLedgerPath(share + "/"));
            Assert.Equal(TrustPolicy.DefaultLedgerPath(share), TrustPolicy.DefaultLedgerPath(alias));

            string stem;
            byte[] script, signature;
            await using (var first = Strict(share))
            {
                var job = first.Target.Wait(first.Submit("echo once\n", configure: s => s.SigningKey = Submitter), TimeSpan.FromSeconds(30));
                Assert.Equal(0, job.Result!.ExitCode);
                stem = job.Stem;
                string log = Path.Combine(share, "log", "1", stem + ".sh");
                RunningResponder.WaitUntil(() => File.Exists(log + ".sig"), TimeSpan.FromSeconds(10));
                script = File.ReadAllBytes(log);
                signature = File.ReadAllBytes(log + ".sig");
                first.Target.Remove(job);
            }
            await using var again = Strict(share + "/");
            File.WriteAllBytes(Path.Combine(share, "inbox", "1", stem + ".sh.sig"), signature);
            Outpost.Core.Transport.AtomicFile.Write(Path.Combine(share, "inbox", "1", stem + ".sh"), script);
            var replay = again.Target.Wait(again.Target.GetJob(1, stem), TimeSpan.FromSeconds(30));
            Assert.Contains("already run", again.Stderr(replay));
        }

        [Fact]
        public async Task Item9_an_old_signature_naming_no_target_is_refused()
        {
            await using var responder = Strict();
            string stem = Stem.Create(DateTime.UtcNow, "old").Text;
            byte[] content = Encoding.UTF8.GetBytes("echo x\n");
            string job = Path.Combine(responder.SharePath, "inbox", "1", stem + ".sh");
            File.WriteAllBytes(job + ".sig", JobSignature.Create(Submitter, stem, 1, "sh", content, DateTime.UtcNow).ToKeyValues().ToBytes());
            Outpost.Core.Transport.AtomicFile.Write(job, content);
            var done = responder.Target.Wait(responder.Target.GetJob(1, stem), TimeSpan.FromSeconds(30));
            Assert.Contains("names no target", responder.Stderr(done));
        }

        /// <summary>What a responder killed mid-job leaves: the job, its signature, its claim, its ledger entry, and (on its own disk) a start record.</summary>
        private static string Interrupted(TempFolder folder, bool startedHere)
        {
            string share = folder.Combine("share");
            string inbox = Path.Combine(share, "inbox", "1");
            Directory.CreateDirectory(inbox);
            string stem = Stem.Create(DateTime.UtcNow, "retry").Text;
            byte[] content = Encoding.UTF8.GetBytes("# retry=2\necho second-attempt\n");
            File.WriteAllBytes(Path.Combine(inbox, stem + ".sh.sig"), JobSignature.Create(Submitter, stem, 1, "sh", content, DateTime.UtcNow, "test-responder").ToKeyValues().ToBytes());
            File.WriteAllBytes(Path.Combine(inbox, stem + ".sh"), content);
            File.WriteAllText(Path.Combine(inbox, stem + ".sh.running"), "attempt=1\n");
            File.WriteAllText(folder.Combine("seen.txt"), stem + "\n");
            File.WriteAllText(folder.Combine("jobs.txt"), startedHere ? "S 1/" + stem + "\n" : "");
            return stem;
        }

        [Fact]
        public async Task Item11_an_interrupted_signed_job_with_retry_runs_again()
        {
            using var folder = new TempFolder();
            string stem = Interrupted(folder, startedHere: true);
            await using var responder = new RunningResponder(o =>
            {
                o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Submitter }, LedgerPath = folder.Combine("seen.txt") };
                o.JobRecordPath = folder.Combine("jobs.txt");
            }, folder.Combine("share"));
            var done = responder.Target.Wait(responder.Target.GetJob(1, stem), TimeSpan.FromSeconds(30));
            Assert.Equal(0, done.Result!.ExitCode);
            Assert.Equal("second-attempt\n", responder.Stdout(done));
        }

        [Fact]
        public async Task Item11_a_planted_claim_does_not_make_a_replay_look_like_a_retry()
        {
            using var folder = new TempFolder();
            string stem = Interrupted(folder, startedHere: false);
            await using var responder = new RunningResponder(o =>
            {
                o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Submitter }, LedgerPath = folder.Combine("seen.txt") };
                o.JobRecordPath = folder.Combine("jobs.txt");
            }, folder.Combine("share"));
            var done = responder.Target.Wait(responder.Target.GetJob(1, stem), TimeSpan.FromSeconds(30));
            Assert.Equal(Wire.ExitDispatchError, done.Result!.ExitCode);
            Assert.Contains("interrupted", responder.Stderr(done));
            Assert.Equal("", responder.Stdout(done));
        }
    }
}
