using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Outpost.Core;
using Outpost.Core.Hosting;
using Outpost.Tests.Support;

namespace Outpost.Tests.Hosting
{
    public class ServiceDefinitionTests
    {
        /// <summary>A share and a config path with spaces and quotes of both kinds, to prove the quoting.</summary>
        private static ServiceSpec Spec(TempFolder folder, ServiceScope scope = ServiceScope.CurrentUser, ServiceTrigger trigger = ServiceTrigger.LogOn)
        {
            string share = folder.Combine("my share", "it's \"here\" 100%");
            Directory.CreateDirectory(share);
            return ResponderServiceSpecs.ForCli("/bin/sh", new List<string> { "-c", "exit 0" },
                new ServicedResponder { SharePath = share, LaneCount = 2, Name = "vm a", ConfigPath = folder.Combine("conf dir", "outpost.toml") }, scope, trigger);
        }

        [Fact]
        public void The_systemd_unit_passes_systemd_analyze_verify()
        {
            string? analyze = Outpost.Core.Dispatch.ExecutableSearch.Find("systemd-analyze");
            if (analyze == null) Assert.Skip("systemd-analyze is not installed: skipped");
            using var folder = new TempFolder();
            var spec = Spec(folder);
            string unit = ServiceDefinitions.SystemdUnit(spec);
            Assert.Contains("Restart=on-failure", unit);
            Assert.Contains("SuccessExitStatus=0 75", unit);
            Assert.Contains("RequiresMountsFor=\"" + spec.SharePath.Replace("%", "%%").Replace("\"", "\\\"") + "\"", unit);
            string file = folder.Combine(spec.Name + ".service");
            File.WriteAllText(file, unit);
            var info = new ProcessStartInfo(analyze!, $"verify \"{file}\"") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            string errors = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, "systemd-analyze verify: " + errors);
            Assert.DoesNotContain(spec.Name, errors);
        }

        [Fact]
        public void The_systemd_command_line_round_trips_through_systemd_quoting()
        {
            using var folder = new TempFolder();
            var spec = Spec(folder);
            string line = ServiceDefinitions.SystemdUnit(spec).Split('\n').Single(l => l.StartsWith("ExecStart="));
            var words = SystemdWords(line.Substring("ExecStart=".Length));
            Assert.Equal(new[] { spec.Program }.Concat(spec.Arguments), words);
        }

        [Theory]
        [InlineData(ServiceScope.CurrentUser, ServiceTrigger.LogOn)]
        [InlineData(ServiceScope.AllUsers, ServiceTrigger.Startup)]
        public void The_task_scheduler_xml_has_the_trigger_principal_settings_and_command(ServiceScope scope, ServiceTrigger trigger)
        {
            HostRequirements.RequireUnix("it splits the Windows command line with a /bin/sh child");
            using var folder = new TempFolder();
            var spec = Spec(folder, scope, trigger);
            var xml = XDocument.Parse(ServiceDefinitions.TaskSchedulerXml(spec));
            XNamespace t = "http://schemas.microsoft.com/windows/2004/02/mit/task";
            var task = xml.Root!;
            Assert.Equal(t + "Task", task.Name);
            Assert.NotNull(task.Element(t + "Triggers")!.Element(t + (trigger == ServiceTrigger.Startup ? "BootTrigger" : "LogonTrigger")));
            string user = task.Element(t + "Principals")!.Element(t + "Principal")!.Element(t + "UserId")!.Value;
            Assert.Equal(scope == ServiceScope.AllUsers ? "S-1-5-18" : spec.UserId, user);
            var settings = task.Element(t + "Settings")!;
            Assert.Equal("PT0S", settings.Element(t + "ExecutionTimeLimit")!.Value);
            Assert.Equal("true", settings.Element(t + "StartWhenAvailable")!.Value);
            Assert.Equal("false", settings.Element(t + "DisallowStartIfOnBatteries")!.Value);
            Assert.Equal("false", settings.Element(t + "StopIfGoingOnBatteries")!.Value);
            Assert.NotNull(settings.Element(t + "RestartOnFailure")!.Element(t + "Count"));
            var exec = task.Element(t + "Actions")!.Element(t + "Exec")!;
            Assert.Equal(spec.Program, exec.Element(t + "Command")!.Value);
            // The arguments are one Windows command line; .NET splits it with the same rules Windows uses.
            Assert.Equal(spec.Arguments, SplitWindows(exec.Element(t + "Arguments")!.Value));
        }

        [Fact]
        public void The_launchd_plist_parses_with_the_expected_keys()
        {
            using var folder = new TempFolder();
            var spec = Spec(folder);
            var doc = XDocument.Parse(ServiceDefinitions.LaunchdPlist(spec), LoadOptions.None);
            var dict = doc.Root!.Element("dict")!;
            var keys = dict.Elements("key").Select(k => k.Value).ToList();
            Assert.Contains("Label", keys);
            Assert.Contains("ProgramArguments", keys);
            Assert.Contains("RunAtLoad", keys);
            Assert.Contains("KeepAlive", keys);
            XElement ValueOf(string key) => (XElement)dict.Elements("key").Single(k => k.Value == key).NextNode!;
            Assert.Equal(new[] { spec.Program }.Concat(spec.Arguments), ValueOf("ProgramArguments").Elements("string").Select(s => s.Value));
            var keepAlive = ValueOf("KeepAlive");
            Assert.Equal("SuccessfulExit", keepAlive.Element("key")!.Value);
            Assert.Equal("false", ((XElement)keepAlive.Element("key")!.NextNode!).Name.LocalName);
            Assert.Equal("org.outpost." + spec.Name, ValueOf("Label").Value);
        }

        [Fact]
        public void A_target_init_share_is_named_after_its_id_and_finds_its_config()
        {
            using var folder = new TempFolder();
            string share = folder.Combine("targets", "lab-vm", "share");
            Directory.CreateDirectory(share);
            var responder = new ServicedResponder { SharePath = share };
            Assert.Equal("outpost-lab-vm", responder.EffectiveServiceName);
            Assert.Null(ServicedResponder.ConventionalConfig(share));
            File.WriteAllText(folder.Combine("targets", "lab-vm", "outpost.toml"), "");
            Assert.Equal(folder.Combine("targets", "lab-vm", "outpost.toml"), ServicedResponder.ConventionalConfig(share));
            Assert.Equal("outpost-named", new ServicedResponder { SharePath = share, ServiceName = "Named" }.EffectiveServiceName);
        }

        [Fact]
        public void Registering_without_a_service_manager_is_a_clear_error_and_writes_nothing()
        {
            if (Directory.Exists("/run/systemd/system") && ServiceRegistrar.ManagerName == "systemd")
                Assert.Skip("this host runs systemd: the no-manager path cannot be shown here");
            using var folder = new TempFolder();
            var spec = Spec(folder);
            string? before = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            try
            {
                Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", folder.Combine("config"));
                var plan = ServiceRegistrar.Plan(spec);
                var e = Assert.Throws<OutpostException>(() => ServiceRegistrar.Register(spec));
                Assert.Equal("ServiceManagerUnavailable", e.ErrorId);
                Assert.Contains("Nothing was written", e.Message);
                Assert.Contains("[Service]", e.Message);
                Assert.False(File.Exists(plan.DefinitionPath));
            }
            finally { Environment.SetEnvironmentVariable("XDG_CONFIG_HOME", before); }
        }

        private static List<string> SplitWindows(string commandLine)
        {
            // ProcessStartInfo.ArgumentList is what .NET builds from Arguments; use a real child to split it.
            var info = new ProcessStartInfo("/bin/sh", "-c \"printf '%s\\n' \\\"$@\\\"\" sh " + commandLine) { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var lines = process.StandardOutput.ReadToEnd().Split('\n').ToList();
            process.WaitForExit();
            lines.RemoveAt(lines.Count - 1);
            return lines;
        }

        /// <summary>systemd's splitting of ExecStart (double quotes, C escapes, %% and $$ undoubled).</summary>
        internal static List<string> SystemdWords(string line)
        {
            var words = new List<string>();
            var word = new System.Text.StringBuilder();
            bool inQuotes = false, any = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (c == '\\' && i + 1 < line.Length) { word.Append(line[++i] switch { 'n' => '\n', 't' => '\t', var x => x }); any = true; continue; }
                if (c == '"') { inQuotes = !inQuotes; any = true; continue; }
                if (c == ' ' && !inQuotes) { if (any) words.Add(word.ToString()); word.Clear(); any = false; continue; }
                word.Append(c);
                any = true;
            }
            if (any) words.Add(word.ToString());
            return words.Select(w => w.Replace("%%", "%").Replace("$$", "$")).ToList();
        }
    }
}
