using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Config;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.Config
{
    public class ResponderConfigTests
    {
        private static string Write(TempFolder folder, string text)
        {
            string path = folder.Combine("outpost.toml");
            File.WriteAllText(path, text);
            return path;
        }

        [Fact]
        public void The_v1_layout_is_read()
        {
            using var folder = new TempFolder();
            var config = ResponderConfig.Load(Write(folder,
                "[responder]\nname = \"vm-a\"\ndescription = \"test VM\"\ntags = [\"linux\", \"vm\"]\n[platform]\nos = \"" + HostPlatform.Os + "\"\narch = \"" + HostPlatform.Arch + "\"\n" +
                "[capabilities]\nlane_count = 3\n[capabilities.tools]\ngit = \"2.45.1\"\n[dispatch]\nenabled = [\"bash\", \"sh\"]\n[dispatch.path]\nbash = \"/bin/bash\"\n[dispatch.version]\nbash = \"5.2\"\n"));
            Assert.Equal("vm-a", config.Name);
            Assert.Equal(new[] { "linux", "vm" }, config.Tags);
            Assert.Equal(3, config.LaneCount);
            Assert.Equal("2.45.1", config.Tools["git"]);
            config.CheckPlatform();
            var table = config.BuildInterpreters();
            Assert.Equal(new[] { "bash", "sh" }, table.Interpreters.Select(i => i.Extension));
            Assert.Equal("/bin/bash", table.Find("bash")!.Path);
        }

        [Fact]
        public void Flags_win_over_the_file_and_the_file_over_defaults()
        {
            using var folder = new TempFolder();
            string path = Write(folder, "[responder]\nname = \"from-file\"\n[capabilities]\nlane_count = 3\n");
            var fromFile = new ResponderOptions { SharePath = folder.Path, ConfigPath = path }.Resolve(ResponderConfig.Load(path));
            Assert.Equal("from-file", fromFile.Name);
            Assert.Equal(3, fromFile.LaneCount);
            var flags = new ResponderOptions { SharePath = folder.Path, ConfigPath = path, Name = "from-flag", LaneCount = 2 }.Resolve(ResponderConfig.Load(path));
            Assert.Equal("from-flag", flags.Name);
            Assert.Equal(2, flags.LaneCount);
            var defaults = new ResponderOptions { SharePath = folder.Path }.Resolve(null);
            Assert.Equal(1, defaults.LaneCount);
        }

        [Fact]
        public void Errors_name_the_file_line_and_column()
        {
            using var folder = new TempFolder();
            var e = Assert.Throws<OutpostException>(() => ResponderConfig.Load(Write(folder, "[responder]\nname = \n")));
            Assert.Contains("outpost.toml:2:8", e.Message);
            var wrongType = Assert.Throws<OutpostException>(() => ResponderConfig.Load(Write(folder, "[capabilities]\nlane_count = \"two\"\n")));
            Assert.Contains("lane_count", wrongType.Message);
            Assert.Contains(":2:", wrongType.Message);
        }

        [Fact]
        public void A_file_for_another_platform_is_refused_at_start()
        {
            using var folder = new TempFolder();
            string path = Write(folder, "[platform]\nos = \"plan9\"\narch = \"mips\"\n");
            var e = Assert.Throws<OutpostException>(() => new Responder(new ResponderOptions { SharePath = folder.Combine("share"), ConfigPath = path }));
            Assert.Equal("PlatformMismatch", e.ErrorId);
        }

        [Fact]
        public async Task The_responder_advertises_the_file_and_rewrites_dispatch_when_it_changes()
        {
            using var folder = new TempFolder();
            string path = Write(folder, "[responder]\nname = \"first\"\n[dispatch]\nenabled = [\"sh\"]\n");
            await using var responder = new RunningResponder(o => { o.ConfigPath = path; o.Name = null; o.PollInterval = TimeSpan.FromMilliseconds(100); });
            var first = DispatchInfo.Parse(File.ReadAllBytes(Path.Combine(responder.SharePath, "inbox", "dispatch.txt")));
            Assert.Equal("first", first.ResponderName);
            Assert.Equal(new[] { "sh" }, first.Order);
            File.WriteAllText(path, "[responder]\nname = \"second\"\n[dispatch]\nenabled = [\"sh\", \"bash\"]\n");
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
            RunningResponder.WaitUntil(() =>
                DispatchInfo.Parse(File.ReadAllBytes(Path.Combine(responder.SharePath, "inbox", "dispatch.txt"))).ResponderName == "second",
                TimeSpan.FromSeconds(20));
            var second = DispatchInfo.Parse(File.ReadAllBytes(Path.Combine(responder.SharePath, "inbox", "dispatch.txt")));
            // The journal line follows the rewrite of dispatch.txt: wait for it rather than race it.
            RunningResponder.WaitUntil(() => responder.Events.Any(e => e.Kind == ResponderEventKind.Info && e.Message == "configuration reloaded"), TimeSpan.FromSeconds(10));
            Assert.DoesNotContain(responder.Events, e => e.Kind == ResponderEventKind.Stopping);
            Assert.Equal(new[] { "sh", "bash" }, second.Order);
            Assert.Equal(0, responder.RunJob("exit 0\n", "bash").Result!.ExitCode);
        }

        [Fact]
        public async Task Policy_refuses_jobs_with_125_and_a_reason_and_never_runs_them()
        {
            using var folder = new TempFolder();
            string marker = folder.Combine("ran");
            string path = Write(folder, "[policy]\nallowed_extensions = [\"sh\"]\nmax_job_bytes = 200\nmax_timeout_seconds = 30\n");
            await using var responder = new RunningResponder(o => { o.ConfigPath = path; });
            var wrongExt = responder.RunJob($"touch '{marker}'\n", "bash");
            Assert.Equal(Wire.ExitDispatchError, wrongExt.Result!.ExitCode);
            Assert.Contains(".bash jobs are not allowed", responder.Stderr(wrongExt));
            var tooBig = responder.RunJob($"touch '{marker}'\n" + new string('#', 300) + "\n");
            Assert.Contains("max_job_bytes", responder.Stderr(tooBig));
            var tooLong = responder.RunJob($"touch '{marker}'\n", configure: s => s.TimeoutSeconds = 60);
            Assert.Contains("max_timeout_seconds", responder.Stderr(tooLong));
            Assert.False(File.Exists(marker));
            Assert.Equal(0, responder.RunJob("exit 0\n", configure: s => s.TimeoutSeconds = 10).Result!.ExitCode);
            Assert.Contains("refused", File.ReadAllText(Path.Combine(responder.SharePath, "outpost.log")));
        }

        [Fact]
        public void Render_writes_a_file_that_reads_back()
        {
            var config = new ResponderConfig { Name = "vm \"b\"", LaneCount = 2, Enabled = new List<string> { "sh", "py" } };
            config.Paths["sh"] = "/bin/sh";
            config.Paths["py"] = "C:\\Python313\\python.exe";
            config.Versions["py"] = "3.13.1";
            config.Tools["git"] = "2.45";
            var back = ResponderConfig.FromToml(Outpost.Core.Toml.TomlReader.Instance.Parse(config.Render()), "x");
            Assert.Equal("vm \"b\"", back.Name);
            Assert.Equal(2, back.LaneCount);
            Assert.Equal(new[] { "sh", "py" }, back.Enabled);
            Assert.Equal("C:\\Python313\\python.exe", back.Paths["py"]);
            Assert.Equal(HostPlatform.Os, back.PlatformOs);
        }
    }
}
