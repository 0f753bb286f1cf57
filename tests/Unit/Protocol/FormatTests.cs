using System;
using System.Text;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Tests.Protocol
{
    public class FormatTests
    {
        [Theory]
        [InlineData(0L, "0s")]
        [InlineData(1695500L, "1.6955ms")]
        [InlineData(1001186100L, "1.0011861s")]
        [InlineData(2000000000L, "2s")]
        [InlineData(123000000000L, "2m3s")]
        [InlineData(3600000000000L, "1h0m0s")]
        [InlineData(500000L, "500µs")]
        [InlineData(-1500000L, "-1.5ms")]
        public void Durations_print_like_go(long nanoseconds, string expected) =>
            Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(nanoseconds / 100)));

        [Theory]
        [InlineData("2s", 2000)]
        [InlineData("200ms", 200)]
        [InlineData("1m30s", 90000)]
        [InlineData("1.5h", 5400000)]
        [InlineData("30", 30000)]
        public void Durations_parse_like_go(string text, double ms) => Assert.Equal(ms, GoDuration.Parse(text).TotalMilliseconds);

        [Theory]
        [InlineData("sh", "# timeout=5\necho hi\n", 5)]
        [InlineData("sh", "#!/bin/sh\n\n\n# TIMEOUT=7\n", 7)]
        [InlineData("ps1", "\uFEFF# timeout=9\r\nWrite-Output 1\r\n", 9)]
        [InlineData("cmd", "@echo off\r\nREM timeout=11\r\n", 11)]
        [InlineData("bat", "rem Timeout=12\n", 12)]
        [InlineData("btm", ":: timeout=13\n", 13)]
        [InlineData("py", "# timeout=86400\n", 86400)]
        public void Timeout_headers_are_found(string ext, string script, int seconds)
        {
            var header = TimeoutHeader.Parse(ext, Encoding.UTF8.GetBytes(script));
            Assert.True(header.Found);
            Assert.Null(header.Error);
            Assert.Equal(seconds, header.Seconds);
        }

        [Theory]
        [InlineData("sh", "# timeout=999999\n", "invalid timeout header \"timeout=999999\" (expected 1..86400)")]
        [InlineData("sh", "# timeout=0\n", "invalid timeout header \"timeout=0\" (expected 1..86400)")]
        [InlineData("sh", "# timeout=abc\n", "invalid timeout header \"timeout=abc\" (expected 1..86400)")]
        public void Invalid_timeout_headers_give_the_v1_message(string ext, string script, string message)
        {
            var header = TimeoutHeader.Parse(ext, Encoding.UTF8.GetBytes(script));
            Assert.Equal(message, header.Error);
        }

        [Theory]
        [InlineData("js", "# timeout=5\n")]                               // no header syntax for js
        [InlineData("sh", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n# timeout=5\n")] // past the first 10 lines
        [InlineData("cmd", "# timeout=5\n")]                              // wrong marker for cmd
        public void Headers_outside_the_rules_are_ignored(string ext, string script) =>
            Assert.False(TimeoutHeader.Parse(ext, Encoding.UTF8.GetBytes(script)).Found);

        [Fact]
        public void Submitter_header_is_rounded_and_clamped()
        {
            Assert.Equal("# timeout=1", TimeoutHeader.Format("sh", 0.2));
            Assert.Equal("# timeout=3", TimeoutHeader.Format("sh", 2.5));
            Assert.Equal("REM timeout=86400", TimeoutHeader.Format("cmd", 1e9));
            Assert.Throws<ArgumentException>(() => TimeoutHeader.Format("js", 5));
        }

        [Fact]
        public void Composer_puts_the_header_first_keeps_the_bom_and_the_line_ending()
        {
            var job = new JobSubmission(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Write-Output $env:A\r\n")), "ps1")
            {
                TimeoutSeconds = 5,
                WorkingDirectory = "C:\\it's here",
            };
            job.Environment["A"] = "x'y";
            byte[] bytes = JobScriptComposer.Compose(job);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
            string text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
            // The BOM keeps a line of its own, so a peer that does not skip it still sees the header first.
            Assert.Equal("\r\n# timeout=5\r\n$env:A = 'x''y'\r\nSet-Location -LiteralPath 'C:\\it''s here' -ErrorAction Stop\r\nWrite-Output $env:A\r\n", text);
        }

        [Fact]
        public void Composer_refuses_environment_for_languages_it_cannot_write()
        {
            var job = JobSubmission.FromText("console.log(1)", "js");
            job.Environment["A"] = "1";
            Assert.Throws<NotSupportedException>(() => JobScriptComposer.Compose(job));
            var bad = JobSubmission.FromText("echo", "sh");
            bad.Environment["1BAD"] = "x";
            Assert.Throws<ArgumentException>(() => JobScriptComposer.Compose(bad));
        }
    }

    internal static class ByteArrayExtensions
    {
        public static byte[] Concat(this byte[] a, byte[] b)
        {
            var all = new byte[a.Length + b.Length];
            Buffer.BlockCopy(a, 0, all, 0, a.Length);
            Buffer.BlockCopy(b, 0, all, a.Length, b.Length);
            return all;
        }
    }
}
