using System.IO;
using System.Text;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Trust;
using Outpost.Tests.Support;

namespace Outpost.Tests.Survival
{
    public class TrustTests
    {
        private static readonly OutpostKey Mine = OutpostKey.Generate("me@laptop");
        private static readonly OutpostKey Stranger = OutpostKey.Generate("stranger");

        private static RunningResponder Strict(TempFolder ledger) => new(o =>
            o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Mine }, LedgerPath = ledger.Combine("seen.txt") });

        private static OutpostJob Signed(RunningResponder responder, string script, OutpostKey key) =>
            responder.Target.Wait(responder.Submit(script, configure: s => s.SigningKey = key), TimeSpan.FromSeconds(30));

        [Fact]
        public async Task A_signed_job_from_a_trusted_key_runs()
        {
            using var ledger = new TempFolder();
            await using var responder = Strict(ledger);
            var job = Signed(responder, "echo trusted\n", Mine);
            Assert.Equal("trusted\n", responder.Stdout(job));
            // The signature is archived with the job, right after the result is published.
            RunningResponder.WaitUntil(() => File.Exists(Path.Combine(responder.SharePath, "log", "1", job.Stem + ".sh.sig")), TimeSpan.FromSeconds(10));
        }

        [Fact]
        public async Task Unsigned_and_wrong_key_jobs_never_run()
        {
            using var ledger = new TempFolder();
            string marker = ledger.Combine("ran");
            await using var responder = Strict(ledger);
            var unsigned = responder.RunJob($"touch '{marker}'\n");
            Assert.Equal(Wire.ExitDispatchError, unsigned.Result!.ExitCode);
            Assert.Contains("runs only signed jobs", responder.Stderr(unsigned));
            var stranger = Signed(responder, $"touch '{marker}'\n", Stranger);
            Assert.Contains("does not trust", responder.Stderr(stranger));
            Assert.False(File.Exists(marker));
            Assert.Contains("does not trust", File.ReadAllText(Path.Combine(responder.SharePath, "outpost.log")));
        }

        [Fact]
        public async Task Tampered_content_is_refused()
        {
            using var ledger = new TempFolder();
            string marker = ledger.Combine("ran");
            await using var responder = Strict(ledger);
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = responder.Submit("echo harmless\n", configure: s => s.SigningKey = Mine);
            File.WriteAllText(Path.Combine(responder.SharePath, "inbox", "1", job.Stem + ".sh"), $"touch '{marker}'\n");
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            var done = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Contains("tampered", responder.Stderr(done));
            Assert.False(File.Exists(marker));
        }

        [Fact]
        public async Task A_replayed_job_and_an_expired_signature_are_refused()
        {
            using var ledger = new TempFolder();
            await using var responder = Strict(ledger);
            var first = Signed(responder, "echo once\n", Mine);
            Assert.Equal(0, first.Result!.ExitCode);
            // Copy the archived job and signature back into the inbox: the same stem again.
            responder.Target.Remove(first);
            Drop(responder, first.Stem, "echo once\n", DateTime.UtcNow);
            var replay = responder.Target.Wait(responder.Target.GetJob(1, first.Stem), TimeSpan.FromSeconds(30));
            Assert.Contains("already run", responder.Stderr(replay));

            var stem = Stem.Create(DateTime.UtcNow, "old");
            Drop(responder, stem.Text, "echo late\n", DateTime.UtcNow.AddDays(-2));
            var expired = responder.Target.Wait(responder.Target.GetJob(1, stem.Text), TimeSpan.FromSeconds(30));
            Assert.Contains("expired", responder.Stderr(expired));
        }

        /// <summary>Plants a signed job as an attacker with a copy would: signature first, job renamed into place.</summary>
        private static void Drop(RunningResponder responder, string stem, string script, DateTime signedAt)
        {
            string job = Path.Combine(responder.SharePath, "inbox", "1", stem + ".sh");
            byte[] content = Encoding.UTF8.GetBytes(script);
            Outpost.Core.Transport.AtomicFile.Write(job + ".sig", JobSignature.Create(Mine, stem, 1, "sh", content, signedAt, "test-responder").ToKeyValues().ToBytes());
            Outpost.Core.Transport.AtomicFile.Write(job, content);
        }

        [Fact]
        public async Task A_signed_job_runs_unchanged_on_a_responder_that_does_not_check_signatures()
        {
            await using var responder = new RunningResponder();
            var job = Signed(responder, "echo plain\n", Mine);
            Assert.Equal("plain\n", responder.Stdout(job));
        }

        [Fact]
        public void Keys_save_protected_and_load_back()
        {
            using var folder = new TempFolder();
            var key = OutpostKey.Generate("ci");
            var (privatePath, publicPath) = key.Save(folder.Path, "ci");
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(privatePath));
            var loaded = OutpostKey.Load(privatePath);
            var pub = OutpostKey.Load(publicPath);
            Assert.Equal(key.KeyId, loaded.KeyId);
            Assert.Equal(key.KeyId, pub.KeyId);
            byte[] payload = Encoding.UTF8.GetBytes("x");
            Assert.True(pub.Verify(payload, loaded.Sign(payload)));
            Assert.False(pub.HasPrivateKey);
            Assert.Throws<OutpostException>(() => key.Save(folder.Path, "ci"));
            Assert.Throws<FormatException>(() => OutpostKey.ParsePublicKey("ssh-rsa AAAA"));
        }

        [Fact]
        public async Task Secret_environment_values_never_reach_the_archive_in_clear_text()
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob("echo \"token is $TOKEN, user is $USERNAME_X\"\n", configure: s =>
            {
                s.Environment["TOKEN"] = "s3cr3t-value";
                s.Environment["USERNAME_X"] = "alice";
                s.SecretNames.Add("TOKEN");
            });
            Assert.Equal("token is s3cr3t-value, user is alice\n", responder.Stdout(job));
            string archived = Path.Combine(responder.SharePath, "log", "1", job.Stem + ".sh");
            RunningResponder.WaitUntil(() => File.Exists(archived), TimeSpan.FromSeconds(10));
            string text = File.ReadAllText(archived);
            Assert.DoesNotContain("s3cr3t-value", text);
            Assert.Contains("export TOKEN=*** # outpost-secret", text);
            Assert.Contains("alice", text);
            Assert.DoesNotContain("s3cr3t-value", File.ReadAllText(Path.Combine(responder.SharePath, "outpost.log")));
        }
    }
}
