using System.IO;
using System.Text;
using Outpost.Core.Client;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hostile
{
    /// <summary>Issue 14, item 10: a secret never reaches the archive in clear text, whatever its shape or the job's size.</summary>
    public class SecretAttackTests
    {
        private static string Archived(RunningResponder responder, OutpostJob job)
        {
            string path = Path.Combine(responder.SharePath, "log", "1", job.Stem + "." + job.Extension);
            RunningResponder.WaitUntil(() => File.Exists(path), TimeSpan.FromSeconds(20));
            return File.ReadAllText(path);
        }

        [Theory]
        [InlineData("sh", "first-s3cr3t\nsecond-t0ps3cr3t")]
        [InlineData("sh", "a'quote\nand-more-s3cr3t'\n\nlast-s3cr3t")]
        [InlineData("ps1", "first-s3cr3t\r\nsecond-t0ps3cr3t")]
        [InlineData("ps1", "it''s-s3cr3t\n'more-s3cr3t")]
        public async Task Item10_a_secret_with_line_breaks_is_redacted_whole(string ext, string secret)
        {
            await using var responder = new RunningResponder();
            var job = responder.RunJob(ext == "sh" ? "printf '%s' \"$TOKEN\" | wc -c\n" : "$env:TOKEN.Length\n", ext, s =>
            {
                s.Environment["TOKEN"] = secret;
                s.Environment["PLAIN"] = "visible";
                s.SecretNames.Add("TOKEN");
            });
            Assert.Equal(0, job.Result!.ExitCode);
            string archived = Archived(responder, job);
            foreach (string piece in secret.Split('\n', '\r', '\''))
                if (piece.Length > 4) Assert.DoesNotContain(piece, archived);
            Assert.Contains("***", archived);
            Assert.Contains("visible", archived);
        }

        [Fact]
        public async Task Item10_a_secret_in_a_job_over_16_MiB_is_redacted()
        {
            await using var responder = new RunningResponder();
            var padding = new StringBuilder("echo big\n");
            string comment = "# " + new string('p', 1000) + "\n";
            while (padding.Length < 17 * 1024 * 1024) padding.Append(comment);
            var job = responder.RunJob(padding.ToString(), "sh", s =>
            {
                s.Environment["TOKEN"] = "hunter2-s3cr3t";
                s.SecretNames.Add("TOKEN");
            });
            Assert.Equal("big\n", responder.Stdout(job));
            string archived = Archived(responder, job);
            Assert.DoesNotContain("hunter2-s3cr3t", archived);
            Assert.True(archived.Length > 17 * 1024 * 1024, "the rest of the job is archived as it was");
        }

        [Fact]
        public void Redaction_keeps_every_other_byte_as_it_was()
        {
            byte[] script = { 0xEF, 0xBB, 0xBF, (byte)'e', (byte)'c', (byte)'h', (byte)'o', 0xFF, 0xFE, (byte)'\r', (byte)'\n' };
            byte[] marked = script.Concat(Encoding.ASCII.GetBytes("export T='v' # outpost-secret\r\nexit 0")).ToArray();
            byte[] redacted = SecretRedactor.RedactIfMarked(marked)!;
            Assert.Equal(script.Concat(Encoding.ASCII.GetBytes("export T=*** # outpost-secret\r\nexit 0")).ToArray(), redacted);
            Assert.Null(SecretRedactor.RedactIfMarked(script));
        }

        [Fact]
        public void An_unmarked_multi_line_assignment_is_left_alone()
        {
            string text = "export A='x\ny'\necho '# not a secret'\n";
            using var input = new MemoryStream(Encoding.UTF8.GetBytes(text));
            using var output = new MemoryStream();
            SecretRedactor.Redact(input, output);
            Assert.Equal(text, Encoding.UTF8.GetString(output.ToArray()));
        }
    }
}
