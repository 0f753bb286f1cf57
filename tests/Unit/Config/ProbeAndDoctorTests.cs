using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;
using Outpost.Core.Diagnostics;
using Outpost.Core.Probing;
using Outpost.Tests.Support;

namespace Outpost.Tests.Config
{
    public class ProbeAndDoctorTests
    {
        [Fact]
        public void The_probe_finds_and_smoke_tests_this_machines_interpreters()
        {
            var probed = InterpreterProbe.Probe();
            var sh = Assert.Single(probed, p => p.Extension == "sh");
            Assert.True(sh.Works, sh.Error);
            Assert.True(Path.IsPathRooted(sh.Path));
            if (probed.FirstOrDefault(p => p.Extension == "bash") is { } bash)
            {
                Assert.True(bash.Works, bash.Error);
                Assert.Matches(@"^\d+\.\d+", bash.Version);
            }
        }

        [Fact]
        public void Initialize_writes_a_config_the_responder_accepts_and_refuses_to_overwrite()
        {
            using var folder = new TempFolder();
            var probed = new[]
            {
                new ProbedInterpreter { Extension = "sh", Path = "/bin/sh", Works = true },
                new ProbedInterpreter { Extension = "zz", Path = "/nope", Works = false, Error = "exit 1" },
            };
            var plan = TargetInitializer.Plan(folder.Path, "vm-a", null, 2, probed);
            Assert.Equal(folder.Combine("vm-a", "share"), plan.Path);
            Assert.False(File.Exists(plan.ConfigPath)); // a plan writes nothing (what -WhatIf relies on)
            TargetInitializer.Apply(plan, force: false);
            var config = ResponderConfig.Load(plan.ConfigPath);
            Assert.Equal("vm-a", config.Name);
            Assert.Equal(2, config.LaneCount);
            Assert.Equal(new[] { "sh" }, config.Enabled);
            Assert.True(Directory.Exists(folder.Combine("vm-a", "share", "inbox", "2")));
            var again = TargetInitializer.Plan(folder.Path, "vm-a", null, 1, probed);
            Assert.Equal("TargetExists", Assert.Throws<OutpostException>(() => TargetInitializer.Apply(again, force: false)).ErrorId);
            Assert.Throws<OutpostException>(() => TargetInitializer.Plan(folder.Path, "Bad Id", null, 1, probed));
        }

        [Fact]
        public async Task The_doctor_names_each_problem_with_a_next_command()
        {
            await using var live = new RunningResponder(o => o.Name = "live");
            using var folder = new TempFolder();
            Directory.CreateDirectory(folder.Combine("dead", "inbox"));
            live.Target.SetSentinel(Outpost.Core.Protocol.Wire.PauseSentinel);
            var findings = await Doctor.ExamineAsync(null, new[]
            {
                new OutpostTarget(live.SharePath, "live"),
                new OutpostTarget(folder.Combine("dead"), "dead"),
                new OutpostTarget(folder.Combine("missing"), "missing"),
            }, TimeSpan.FromSeconds(5));
            Assert.Contains(findings, f => f.Target == "live" && f.Check == "responder" && f.Level == FindingLevel.Ok);
            Assert.Contains(findings, f => f.Target == "live" && f.Check == "sentinel" && f.Suggestion.StartsWith("Resume-OutpostResponder"));
            Assert.Contains(findings, f => f.Target == "dead" && f.Level == FindingLevel.Error && f.Suggestion.Contains("Start-OutpostResponder"));
            Assert.Contains(findings, f => f.Target == "missing" && f.Check == "folder" && f.Level == FindingLevel.Error);
        }
    }
}
