using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Trust;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hostile
{
    /// <summary>
    /// Issue 14, items 1, 2, 4 and 5, and the same attacks on every area, lane and file: whatever link
    /// is planted in the share, neither side reads, writes, moves or deletes anything through it.
    /// </summary>
    public class LinkAttackTests
    {
        private static readonly OutpostKey Mine = OutpostKey.Generate("me");

        [Fact]
        public async Task Item1_outpost_log_linked_to_a_startup_file_is_never_written_through()
        {
            using var outside = new TempFolder();
            string bashrc = outside.Combine(".bashrc");
            File.WriteAllText(bashrc, "# mine\n");
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(Path.Combine(share, "inbox", "1"));
            Plant.Link(Path.Combine(share, "outpost.log"), bashrc);
            // A refused inbox name carrying a shell line, as in the report.
            File.WriteAllText(Path.Combine(share, "inbox", "1", "y;cd;cd ..;echo PWNED>pwned #"), "x");
            await using (var responder = new RunningResponder(o => o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Mine } }, share))
            {
                responder.RunJob("echo hi\n");
            }
            Assert.Equal("# mine\n", File.ReadAllText(bashrc));
        }

        [Fact]
        public void Item1_log_lines_escape_control_characters_and_shell_metacharacters_of_names()
        {
            string hostile = "y;cd;cd ..;echo PWNED>pwned #$(id)`id`|&\n\r\x1b[31m";
            string line = Outpost.Core.Transport.EventLog.FormatLine(DateTime.UtcNow, "WARN", 1, null,
                "refused " + Outpost.Core.Transport.EventLog.EscapeName(hostile) + ": why", null);
            foreach (char c in ";>$`|&#\n\r\x1b()") Assert.DoesNotContain(c, line.Substring(line.IndexOf("refused", StringComparison.Ordinal), hostile.Length));
            Assert.DoesNotContain('\n', line);
            Assert.DoesNotContain('\x1b', line);
            Assert.Contains("y\\x3bcd\\x3bcd", line);
        }

        [Fact]
        public async Task Item1_a_log_planted_as_a_fifo_does_not_stop_the_responder()
        {
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Plant.Fifo(Path.Combine(share, "outpost.log"));
            await using var responder = new RunningResponder(sharePath: share);
            Assert.Equal("ok\n", responder.Stdout(responder.RunJob("echo ok\n")));
        }

        public static IEnumerable<object[]> LinkedFolders() => new[]
        {
            new object[] { "log" }, new object[] { "outbox" }, new object[] { "cancel" }, new object[] { "inbox" },
            new object[] { "log/1" }, new object[] { "outbox/1" }, new object[] { "cancel/1" }, new object[] { "inbox/1" },
            new object[] { "log/2" }, new object[] { "cancel/2" },
        };

        [Theory]
        [MemberData(nameof(LinkedFolders))]
        public async Task Item2_a_linked_area_or_lane_folder_is_refused_and_nothing_outside_is_touched(string linked)
        {
            using var outside = new TempFolder();
            // What retention and temp cleanup would delete, and what an archive would write into.
            string oldName = Plant.OldStem() + ".sh";
            File.WriteAllText(outside.Combine(oldName), "keep me");
            File.WriteAllText(outside.Combine("x.abc.tmp"), "keep me too");
            File.WriteAllText(outside.Combine("1"), "a file named like a lane");
            var before = Directory.GetFileSystemEntries(outside.Path).OrderBy(n => n).ToArray();

            using var folder = new TempFolder();
            string share = folder.Combine("share");
            foreach (string area in new[] { "inbox", "outbox", "cancel", "log" })
                for (int lane = 1; lane <= 2; lane++) Directory.CreateDirectory(Path.Combine(share, area, lane.ToString()));
            Plant.FolderLink(Path.Combine(share, linked), outside.Path);

            var responder = new Responder(new ResponderOptions
            {
                SharePath = share, LaneCount = 2, RetainDays = 1, PollInterval = TimeSpan.FromMilliseconds(100),
                Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Mine } },
            });
            using var stop = new CancellationTokenSource();
            var run = Task.Run(() => responder.RunAsync(stop.Token));
            bool areaLinked = !linked.Contains('/');
            if (areaLinked)
            {
                var error = await Assert.ThrowsAsync<OutpostException>(() => run.WaitAsync(TimeSpan.FromSeconds(20)));
                Assert.Contains("link", error.Message);
            }
            else
            {
                // The other lane is served; an unsigned job there is refused and archived inside the share.
                int lane = linked.EndsWith("/1") ? 2 : 1;
                var target = new OutpostTarget(share);
                RunningResponder.WaitUntil(() => target.Probe().Lanes.Any(l => l.Lane == lane && l.Alive), TimeSpan.FromSeconds(20));
                var job = target.Wait(target.Submit(new JobSubmission(System.Text.Encoding.UTF8.GetBytes("echo no\n"), "sh") { Lane = lane }), TimeSpan.FromSeconds(30));
                Assert.Equal(Wire.ExitDispatchError, job.Result!.ExitCode);
                stop.Cancel();
                await run.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Contains("is not served", File.ReadAllText(Path.Combine(share, "outpost.log")));
            }
            Assert.Equal(before, Directory.GetFileSystemEntries(outside.Path).OrderBy(n => n).ToArray());
            Assert.Equal("keep me", File.ReadAllText(outside.Combine(oldName)));
        }

        [Fact]
        public async Task Item2_a_refused_job_is_never_moved_into_a_linked_log_lane()
        {
            using var outside = new TempFolder();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            Directory.CreateDirectory(Path.Combine(share, "inbox", "1"));
            Plant.FolderLink(Path.Combine(share, "log", "1"), outside.Path);
            await using var responder = new RunningResponder(o =>
                o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Mine } }, share);
            var job = responder.Submit("echo planted-into-autostart\n");
            Thread.Sleep(1500);
            Assert.Empty(Directory.GetFileSystemEntries(outside.Path));
            Assert.True(File.Exists(Path.Combine(share, "inbox", "1", job.Stem + ".sh")), "the job stays where it was, unserved");
        }

        [Theory]
        [InlineData("x/../../../../{0}")]
        [InlineData("../{0}")]
        [InlineData("sh/../../{0}")]
        public async Task Item4_a_result_whose_ext_climbs_out_never_makes_Remove_delete_a_local_file(string extPattern)
        {
            using var local = new TempFolder();
            string victim = local.Combine("precious.txt");
            File.WriteAllText(victim, "precious");
            File.WriteAllText(victim + ".sig", "precious");
            await using var responder = new RunningResponder();
            string stem = Plant.NewStem();
            string ext = string.Format(extPattern, victim.TrimStart('/'));
            var result = new JobResult { Stem = stem, Lane = 1, Extension = ext, ExitCode = 0, Started = DateTime.UtcNow, Finished = DateTime.UtcNow };
            File.WriteAllBytes(Path.Combine(responder.SharePath, "outbox", "1", stem + ".result"), result.ToKeyValues().ToBytes());
            foreach (var job in responder.Target.GetJobs())
            {
                try { responder.Target.Remove(job); } catch (OutpostException) { }
            }
            Assert.Throws<OutpostException>(() => responder.Target.Remove(new OutpostJob { Target = "t", Path = responder.SharePath, Lane = 1, Stem = stem, Extension = ext }));
            Assert.True(File.Exists(victim));
            Assert.True(File.Exists(victim + ".sig"));
        }

        [Theory]
        [InlineData("stem")]
        [InlineData("lane")]
        public async Task Item4_a_result_naming_another_job_is_not_taken_for_this_one(string wrong)
        {
            await using var responder = new RunningResponder();
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = responder.Submit("echo real\n");
            var forged = new JobResult { Stem = wrong == "stem" ? Plant.NewStem("other") : job.Stem, Lane = wrong == "lane" ? 2 : 1, Extension = "sh", ExitCode = 0 };
            File.WriteAllBytes(Path.Combine(responder.SharePath, "outbox", "1", job.Stem + ".result"), forged.ToKeyValues().ToBytes());
            var error = Assert.Throws<OutpostException>(() => responder.Target.Wait(job, TimeSpan.FromSeconds(10)));
            Assert.Equal("ResultRejected", error.ErrorId);
        }

        [Theory]
        [InlineData(".stdout", OutputStreamKind.Stdout)]
        [InlineData(".stderr", OutputStreamKind.Stderr)]
        public async Task Item5_output_planted_as_a_link_to_a_local_file_is_refused(string suffix, OutputStreamKind kind)
        {
            using var local = new TempFolder();
            string secret = local.Combine("id_rsa");
            File.WriteAllText(secret, "PRIVATE KEY");
            await using var responder = new RunningResponder();
            var job = responder.RunJob("echo real\n");
            string output = Path.Combine(responder.SharePath, "outbox", "1", job.Stem + suffix);
            File.Delete(output);
            Plant.Link(output, secret);
            var error = Assert.Throws<OutpostException>(() => responder.Target.ReadOutput(job, kind));
            Assert.Equal("OutputRefused", error.ErrorId);
            Assert.DoesNotContain("PRIVATE KEY", error.Message);
        }

        [Theory]
        [InlineData("status.txt")]
        [InlineData("dispatch.txt")]
        public void Item5_status_and_dispatch_planted_as_links_are_not_read(string file)
        {
            using var local = new TempFolder();
            File.WriteAllText(local.Combine("fake"), "lane=1\nstate=idle\nlast_heartbeat=" + ProtocolTime.ToWire(DateTime.UtcNow) + "\nprotocol_version=1\nlane_count=1\n");
            using var share = new TempFolder();
            Directory.CreateDirectory(share.Combine("inbox", "1"));
            Plant.Link(file == "status.txt" ? share.Combine("inbox", "1", file) : share.Combine("inbox", file), local.Combine("fake"));
            var status = new OutpostTarget(share.Path).Probe();
            Assert.False(status.Alive);
        }

        [Fact]
        public async Task A_job_signature_planted_as_a_link_is_not_followed_and_the_job_is_refused()
        {
            using var outside = new TempFolder();
            await using var responder = new RunningResponder(o => o.Trust = new TrustPolicy { RequireSignature = true, TrustedKeys = { Mine } });
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var real = responder.Submit("echo signed\n", configure: s => s.SigningKey = Mine);
            string sig = Path.Combine(responder.SharePath, "inbox", "1", real.Stem + ".sh.sig");
            File.Move(sig, outside.Combine("real.sig"));
            Plant.Link(sig, outside.Combine("real.sig"));
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            var done = responder.Target.Wait(real, TimeSpan.FromSeconds(30));
            Assert.Equal(Wire.ExitDispatchError, done.Result!.ExitCode);
            Assert.True(File.Exists(outside.Combine("real.sig")), "the link's target is neither moved nor deleted");
        }
    }
}
