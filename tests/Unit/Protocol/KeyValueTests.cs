using System;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Protocol;
using Outpost.Tests.Support;

namespace Outpost.Tests.Protocol
{
    public class KeyValueTests
    {
        [Fact]
        public void Parse_trims_skips_comments_and_splits_at_the_first_equals()
        {
            var kv = KeyValueFile.Parse("  # comment\n\n a = b=c \r\nempty=\n");
            Assert.Equal("b=c", kv["a"]);
            Assert.Equal("", kv["empty"]);
            Assert.Null(kv["missing"]);
        }

        [Fact]
        public void A_line_without_equals_is_an_error_naming_the_line()
        {
            var e = Assert.Throws<FormatException>(() => KeyValueFile.Parse("a=1\nbroken\n", "status.txt"));
            Assert.Contains("status.txt: line 2", e.Message);
        }

        [Fact]
        public void Non_utf8_bytes_do_not_throw()
        {
            var kv = KeyValueFile.Parse(new byte[] { (byte)'a', (byte)'=', 0xFF, 0xFE, (byte)'\n' });
            Assert.NotNull(kv["a"]);
        }

        [Fact]
        public void Result_writes_v1_keys_in_v1_order_and_round_trips()
        {
            var result = new JobResult
            {
                Stem = "20260424_170309_412000-sh", Lane = 1, Extension = "sh", Label = "sh", ExitCode = 0,
                Started = new DateTime(2026, 4, 24, 17, 3, 9, 413, DateTimeKind.Utc),
                Finished = new DateTime(2026, 4, 24, 17, 3, 9, 420, DateTimeKind.Utc),
                StdoutBytes = 6,
            };
            string text = result.ToKeyValues().ToString();
            Assert.Equal(
                "stem=20260424_170309_412000-sh\nlane=1\next=sh\nlabel=sh\nexit=0\ntimeout=0\ncancelled=0\n" +
                "started=2026-04-24.17:03:09.413\nfinished=2026-04-24.17:03:09.420\nstdout_bytes=6\nstderr_bytes=0\n" +
                "stdout_truncated=0\nstderr_truncated=0\n", text);
            var back = JobResult.Parse(Encoding.UTF8.GetBytes(text));
            Assert.Equal(result.Started, back.Started);
            Assert.Equal(result.Finished, back.Finished);
            Assert.Equal(6, back.StdoutBytes);
        }

        [Fact]
        public void Status_round_trips_and_liveness_follows_the_ten_second_rule()
        {
            var now = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
            var status = new LaneStatusRecord { Lane = 2, State = LaneState.Busy, BusyStem = "x", Queued = 3, LastHeartbeat = now.AddSeconds(-9) };
            var back = LaneStatusRecord.Parse(status.ToKeyValues().ToBytes());
            Assert.Equal(LaneState.Busy, back.State);
            Assert.Equal(3, back.Queued);
            Assert.True(back.IsAlive(now));
            Assert.False(back.IsAlive(now.AddSeconds(2)));
            back.State = LaneState.Stopped;
            Assert.False(back.IsAlive(now));
        }

        [Fact]
        public void Dispatch_omits_empty_optional_keys_and_orders_dispatch_lines()
        {
            var info = new DispatchInfo { Pid = 7, ResponderName = "r", PlatformOs = "linux", PlatformArch = "amd64", Cwd = "/tmp", LaneCount = 2 };
            info.Order = new[] { "sh", "py" }.ToList();
            info.Interpreters["py"] = "/usr/bin/python3";
            info.Interpreters["sh"] = "/bin/sh";
            info.Interpreters["awk"] = "/usr/bin/awk";
            info.Tools["zz"] = "1";
            info.Tools["git"] = "2";
            string text = info.ToKeyValues().ToString();
            Assert.Equal("protocol_version=1\npid=7\nresponder_name=r\nplatform.os=linux\nplatform.arch=amd64\ncwd=/tmp\nlane_count=2\n" +
                         "tools.git=2\ntools.zz=1\ndispatch.order=sh,py\ndispatch.sh=/bin/sh\ndispatch.py=/usr/bin/python3\ndispatch.awk=/usr/bin/awk\n", text);
        }
    }

    /// <summary>The files the original Go responder wrote: every one must parse, and ours must have the same keys in the same order.</summary>
    public class GoldenFileTests
    {
        private static string Golden(string relative) => SharedMaterial.Require(Path.Combine("golden", "go-outpost-v1", relative));

        [Fact]
        public void Every_golden_result_parses_and_our_writer_reproduces_it_byte_for_byte()
        {
            string outbox = Golden(Path.Combine("share", "outbox", "1"));
            var files = Directory.GetFiles(outbox, "*.result");
            Assert.Equal(7, files.Length);
            foreach (string file in files)
            {
                byte[] bytes = File.ReadAllBytes(file);
                var result = JobResult.Parse(bytes, file);
                Assert.Equal(Path.GetFileNameWithoutExtension(file), result.Stem);
                Assert.NotNull(result.Started);
                Assert.Equal(KeyValueFile.Parse(bytes).Pairs.Select(p => p.Key), JobResult.Keys);
                Assert.Equal(Encoding.UTF8.GetString(bytes), result.ToKeyValues().ToString());
            }
        }

        [Fact]
        public void Golden_results_carry_the_v1_exit_codes()
        {
            string outbox = Golden(Path.Combine("share", "outbox", "1"));
            JobResult Read(string stem) => JobResult.Parse(File.ReadAllBytes(Path.Combine(outbox, stem + ".result")));
            Assert.Equal(3, Read("20261121_215348_772161-sh").ExitCode);
            Assert.True(Read("20261121_215354_264746-sh").TimedOut);
            Assert.Equal(Wire.ExitTimeout, Read("20261121_215354_264746-sh").ExitCode);
            Assert.Equal(Wire.ExitDispatchError, Read("20261121_215357_171077-sh").ExitCode);
            Assert.Equal(Wire.ExitDispatchError, Read("20261121_215358_177488-xyz").ExitCode);
            Assert.True(Read("20261121_215400_184038-sh").Cancelled);
            Assert.Equal(Wire.ExitCancelled, Read("20261121_215407_205690-sh").ExitCode);
            Assert.Equal("invalid timeout header \"timeout=999999\" (expected 1..86400)\n",
                File.ReadAllText(Path.Combine(outbox, "20261121_215357_171077-sh.stderr")));
            Assert.Equal("no interpreter configured for .xyz\n", File.ReadAllText(Path.Combine(outbox, "20261121_215358_177488-xyz.stderr")));
        }

        [Fact]
        public void Golden_status_files_parse_and_our_writer_reproduces_them()
        {
            foreach (string relative in new[] { "status-busy.txt", "status-paused.txt", Path.Combine("share", "inbox", "1", "status.txt"), Path.Combine("share", "inbox", "2", "status.txt") })
            {
                byte[] bytes = File.ReadAllBytes(Golden(relative));
                var status = LaneStatusRecord.Parse(bytes);
                Assert.NotEqual(LaneState.Unknown, status.State);
                Assert.Equal(LaneStatusRecord.Keys, KeyValueFile.Parse(bytes).Pairs.Select(p => p.Key));
                Assert.Equal(Encoding.UTF8.GetString(bytes), status.ToKeyValues().ToString());
            }
            var busy = LaneStatusRecord.Parse(File.ReadAllBytes(Golden("status-busy.txt")));
            Assert.Equal(LaneState.Busy, busy.State);
            Assert.Equal("20261121_215400_184038-sh", busy.BusyStem);
            Assert.Equal(1, busy.Queued);
        }

        [Fact]
        public void Golden_dispatch_parses_and_our_writer_reproduces_it()
        {
            byte[] bytes = File.ReadAllBytes(Golden(Path.Combine("share", "inbox", "dispatch.txt")));
            var info = DispatchInfo.Parse(bytes);
            Assert.Equal(1, info.ProtocolVersion);
            Assert.Equal("golden-peer", info.ResponderName);
            Assert.Equal(2, info.LaneCount);
            Assert.Equal(new[] { "sh", "py", "js", "pl" }, info.Order);
            Assert.Equal("/usr/bin/python3", info.Interpreters["py"]);
            Assert.Equal(Encoding.UTF8.GetString(bytes), info.ToKeyValues().ToString());
        }

        [Fact]
        public void Golden_job_files_and_log_lines_match_our_formats()
        {
            foreach (string file in Directory.GetFiles(Golden(Path.Combine("share", "log", "1"))))
                Assert.True(JobFileName.TryParse(Path.GetFileName(file), out _), file);
            string[] lines = File.ReadAllLines(Golden(Path.Combine("share", "outpost.log")));
            string finished = lines.First(l => l.Contains("job finished"));
            // Our formatter, fed the same values, writes the same line.
            var time = DateTime.ParseExact(finished.Substring(0, 23), "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
            string ours = Outpost.Core.Transport.EventLog.FormatLine(time, "INFO", 1, "20261121_215348_772161-sh", "job finished", new[]
            {
                Pair("timeout", "0"), Pair("exit", "3"), Pair("cancelled", "0"), Pair("duration", "1.695539ms"),
                Pair("stderr_b", "10"), Pair("stdout_b", "19"), Pair("truncated", "0"),
            });
            Assert.Equal(finished, ours);
        }

        private static System.Collections.Generic.KeyValuePair<string, string> Pair(string k, string v) => new(k, v);
    }
}
