using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Toml;
using Outpost.Tests.Support;

namespace Outpost.Tests.Survival
{
    /// <summary>Whatever is planted in the folder, the responder neither crashes, hangs, follows links out, nor loses a job.</summary>
    public class HostileFolderTests
    {
        private static void MakeFifo(string path) => Process.Start("mkfifo", $"\"{path}\"")!.WaitForExit();

        [Fact]
        public async Task Planted_files_are_skipped_or_refused_and_good_jobs_still_run()
        {
            HostRequirements.RequireUnix("it plants a FIFO (mkfifo) and symbolic links in the inbox");
            using var outside = new TempFolder();
            File.WriteAllText(outside.Combine("secret.sh"), "echo stolen\n");
            await using var responder = new RunningResponder();
            string inbox = Path.Combine(responder.SharePath, "inbox", "1");
            string stem = Stem.Create(DateTime.UtcNow.AddMinutes(-1), "x").Text;
            File.WriteAllText(Path.Combine(inbox, "not a stem.sh"), "echo no\n");
            File.WriteAllText(Path.Combine(inbox, "..sh"), "echo no\n");
            File.WriteAllText(Path.Combine(inbox, "20261121_215348_772161-UPPER.sh"), "echo no\n");
            File.CreateSymbolicLink(Path.Combine(inbox, Stem.Create(DateTime.UtcNow.AddMinutes(-2), "link").Text + ".sh"), outside.Combine("secret.sh"));
            Directory.CreateDirectory(Path.Combine(inbox, Stem.Create(DateTime.UtcNow.AddMinutes(-3), "dir").Text + ".sh"));
            MakeFifo(Path.Combine(inbox, stem + ".sh"));
            File.WriteAllBytes(Path.Combine(responder.SharePath, "inbox", "2"), new byte[] { 0xFF }); // a file where a lane folder belongs

            var good = responder.RunJob("echo fine\n");
            Assert.Equal("fine\n", responder.Stdout(good));
            // The FIFO was neither opened (that would block the lane) nor run: it is refused and left alone.
            Assert.DoesNotContain(responder.Target.GetJobs(), j => j.Stem == stem);
            Assert.True(File.Exists(Path.Combine(inbox, stem + ".sh")));
            // The link was never followed: nothing ran it and it is still where it was planted.
            Assert.DoesNotContain(responder.Target.GetJobs(), j => j.Label == "link" && j.IsFinished);
            string log = File.ReadAllText(Path.Combine(responder.SharePath, "outpost.log"));
            Assert.Single(Regex("refused not a stem\\.sh").Matches(log));
            Assert.Contains("a link, not a regular file", log);
            Assert.Contains("a FIFO, socket or device, not a regular file", log);
            Assert.Contains("20261121_215348_772161-UPPER.sh", log);
            Assert.False(responder.Run.IsCompleted, "the responder is still serving");
        }

        [Fact]
        public async Task An_enormous_job_file_is_refused_without_being_read()
        {
            await using var responder = new RunningResponder();
            responder.Target.SetSentinel(Wire.PauseSentinel);
            var job = responder.Submit("echo never\n");
            string path = Path.Combine(responder.SharePath, "inbox", "1", job.Stem + ".sh");
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write)) file.SetLength(300L * 1024 * 1024); // sparse: costs no disk
            responder.Target.ClearSentinel(Wire.PauseSentinel);
            var done = responder.Target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(Wire.ExitDispatchError, done.Result!.ExitCode);
            Assert.Contains("more than the", responder.Stderr(done));
        }

        [Fact]
        public void Truncated_or_garbage_status_and_dispatch_files_never_crash_a_probe()
        {
            using var folder = new TempFolder();
            Directory.CreateDirectory(folder.Combine("inbox", "1"));
            File.WriteAllBytes(folder.Combine("inbox", "dispatch.txt"), new byte[] { 0xFF, 0xFE, (byte)'x', (byte)'\n' });
            File.WriteAllText(folder.Combine("inbox", "1", "status.txt"), "lane=1\nstate=bu");
            var status = new OutpostTarget(folder.Path).Probe();
            Assert.False(status.Available);
            Assert.Contains("not valid", status.Error);
            Assert.Equal(LaneState.Unknown, status.Lanes[0].State);
        }

        private static System.Text.RegularExpressions.Regex Regex(string pattern) => new(pattern);
    }

    /// <summary>Random and mutated inputs: the parsers either accept or reject with their own error, never anything else.</summary>
    public class ParserFuzzTests
    {
        private static readonly Random Seeded = new(4242);

        private static byte[] RandomBytes(int max)
        {
            var bytes = new byte[Seeded.Next(0, max)];
            Seeded.NextBytes(bytes);
            return bytes;
        }

        private static string Mutate(string text)
        {
            var chars = text.ToCharArray().ToList();
            int edits = Seeded.Next(1, 6);
            for (int e = 0; e < edits && chars.Count > 0; e++)
            {
                int at = Seeded.Next(chars.Count);
                switch (Seeded.Next(4))
                {
                    case 0: chars[at] = (char)Seeded.Next(0, 128); break;
                    case 1: chars.RemoveAt(at); break;
                    case 2: chars.Insert(at, "[]{}=\"'.,#\n\\"[Seeded.Next(12)]); break;
                    default: chars.RemoveRange(at, chars.Count - at); break; // truncate
                }
            }
            return new string(chars.ToArray());
        }

        [Fact]
        public void Stems_and_job_names()
        {
            string valid = "20261121_215348_772161-sh.sh";
            for (int i = 0; i < 20000; i++)
            {
                string candidate = i % 2 == 0 ? Mutate(valid) : Encoding.UTF8.GetString(RandomBytes(40));
                Stem.TryParse(candidate, out _, out _);
                JobFileName.TryParse(candidate, out _);
            }
        }

        [Fact]
        public void Key_value_files()
        {
            string valid = "stem=20261121_215348_772161-sh\nlane=1\nexit=3\nstarted=2026-11-21.21:53:50.107\n";
            for (int i = 0; i < 20000; i++)
            {
                byte[] input = i % 2 == 0 ? Encoding.UTF8.GetBytes(Mutate(valid)) : RandomBytes(200);
                try
                {
                    JobResult.Parse(input);
                    LaneStatusRecord.Parse(input);
                    DispatchInfo.Parse(input);
                }
                catch (FormatException) { }
            }
        }

        [Fact]
        public void Timeout_headers()
        {
            foreach (string ext in new[] { "sh", "ps1", "cmd", "btm", "js" })
                for (int i = 0; i < 5000; i++)
                {
                    var header = TimeoutHeader.Parse(ext, i % 2 == 0 ? Encoding.UTF8.GetBytes(Mutate("# timeout=30\nREM timeout=5\n:: timeout=9\n")) : RandomBytes(300));
                    if (header.Found && header.Error == null) Assert.InRange(header.Seconds, 1, 86400);
                }
        }

        [Fact]
        public void Toml_documents()
        {
            var seeds = new List<string>
            {
                "default = \"vm\"\nscan = [\"a\", 'b']\n[target.vm]\npath = \"/x\" # c\n[[arr]]\nx = 1979-05-27T07:32:00Z\ny = { a.b = 1, c = [1.5e3, inf, 0x1F] }\n",
                "s = \"\"\"\nmulti\\\n  line\"\"\"\nt = '''lit'''\n[a.b.c]\nd = 07:32:00.999\n",
            };
            string? suite = SharedMaterial.SharedFolder is string s ? Path.Combine(s, "toml-test", "tests", "valid") : null;
            if (suite != null && Directory.Exists(suite))
                seeds.AddRange(Directory.GetFiles(suite, "*.toml", SearchOption.AllDirectories).Take(150).Select(File.ReadAllText));
            foreach (string seed in seeds)
                for (int i = 0; i < 60; i++)
                {
                    try { TomlReader.Instance.Parse(Mutate(seed)); }
                    catch (TomlException) { }
                }
        }
    }
}
