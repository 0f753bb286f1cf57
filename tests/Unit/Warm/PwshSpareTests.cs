using System;
using System.IO;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;
using Outpost.Tests.Support;
using Xunit;
using static Outpost.Tests.Warm.WarmTestSupport;

namespace Outpost.Tests.Warm
{
    /// <summary>A .ps1 job from a warmed pwsh ends exactly as `pwsh -File` ends it on the cold path.</summary>
    public sealed class PwshSpareTests
    {
        public static TheoryData<string, string> Scripts => new()
        {
            { "exit", "'before'; exit 7; 'after'" },
            { "throw", "'before'; throw 'boom'" },
            { "normal", "'just output'" },
            { "native exit code without exit", "sh -c 'exit 3'; 'after native'" },
            { "non-terminating error", "Write-Error 'not fatal'; 'still here'" },
            { "stop preference", "$ErrorActionPreference = 'Stop'; Get-Item -LiteralPath /no/such/thing; 'never'" },
            { "exit from a function", "function f { exit 9 }; f; 'never'" },
            { "parse error", "if (" },
            { "exit 0 after a failed native", "sh -c 'exit 4'; exit 0" },
            { "script scope is the top level", "$x = 1; $script:y = 2; function f { \"$script:x $y\" }; f" },
            { "script scope set from a function, then exit from it", "$done = $false; function g { $script:done = $true }; g; if (-not $done) { exit 5 }; exit 0" },
        };

        [Theory]
        [MemberData(nameof(Scripts))]
        public async Task Exit_code_and_output_match_the_cold_path(string name, string script)
        {
            string pwsh = RequirePwsh();
            await using var warm = new RunningResponder(o => { o.Interpreters = ShellAndPwsh(pwsh); o.Warm = new WarmSettings { Extensions = { "ps1" } }; });
            await using var cold = new RunningResponder(o => { o.Interpreters = ShellAndPwsh(pwsh); o.Warm = WarmSettings.Off; });
            int spare = WaitForSpare(warm.Responder.Spares!, "ps1");

            var warmJob = warm.RunJob(script, "ps1");
            var coldJob = cold.RunJob(script, "ps1");
            Assert.True(coldJob.Result!.ExitCode == warmJob.Result!.ExitCode,
                $"{name}: cold {coldJob.Result.ExitCode}, warm {warmJob.Result.ExitCode}; warm stderr: {warm.Stderr(warmJob)}");
            Assert.Equal(cold.Stdout(coldJob), warm.Stdout(warmJob));
            Assert.Equal(cold.Stderr(coldJob).Length > 0, warm.Stderr(warmJob).Length > 0);
            Assert.False(IsAlive(spare) && warm.Responder.Spares!.SpareIds("ps1").Contains(spare), "the spare that ran the job is still waiting");
        }

        [Fact]
        public async Task Script_paths_location_environment_and_pid_are_the_jobs_own()
        {
            string pwsh = RequirePwsh();
            using var work = new TempFolder();
            await using var responder = new RunningResponder(o =>
            {
                o.Interpreters = ShellAndPwsh(pwsh);
                o.Warm = new WarmSettings { Extensions = { "ps1" } };
                o.WorkingDirectory = work.Path;
            });
            int spare = WaitForSpare(responder.Responder.Spares!, "ps1");
            var job = responder.RunJob(
                "$PID; $PWD.Path; [Environment]::CurrentDirectory; $env:GREETING; Split-Path -Leaf $PSCommandPath; " +
                "[bool]$PSScriptRoot; @(Get-Variable -Name order, folder, script, ast -ErrorAction Ignore).Count; $Error.Count; " +
                "[bool](Get-Command __OutpostTakeJob -ErrorAction Ignore)",
                "ps1", s => s.Environment["GREETING"] = "hi");
            string[] lines = responder.Stdout(job).Trim().Split('\n');
            Assert.True(job.Result!.ExitCode == 0, responder.Stderr(job));
            Assert.Equal(spare.ToString(), lines[0].Trim());
            Assert.Equal(Path.GetFullPath(work.Path), lines[1].Trim());
            Assert.Equal(Path.GetFullPath(work.Path), lines[2].Trim());
            Assert.Equal("hi", lines[3].Trim());
            Assert.Equal(job.Stem + ".ps1", lines[4].Trim());
            Assert.Equal("True", lines[5].Trim());
            Assert.Equal("0", lines[6].Trim()); // no bootstrap variables leak into the job
            Assert.Equal("0", lines[7].Trim()); // nor warm-up errors
            Assert.Equal("False", lines[8].Trim());
        }

        [Fact]
        public async Task A_timeout_kills_a_job_from_a_pwsh_spare_with_its_grandchildren()
        {
            string pwsh = RequirePwsh();
            await using var responder = new RunningResponder(o => { o.Interpreters = ShellAndPwsh(pwsh); o.Warm = new WarmSettings { Extensions = { "ps1" } }; });
            int spare = WaitForSpare(responder.Responder.Spares!, "ps1");
            // Ten seconds: on a loaded two-core CI machine a 3 s budget ran out before the job printed its pids.
            var job = responder.RunJob("$PID; $p = Start-Process sleep 60 -PassThru; $p.Id; [Console]::Out.Flush(); Start-Sleep 60", "ps1", s => s.TimeoutSeconds = 10);
            Assert.True(job.Result!.TimedOut);
            string[] pids = responder.Stdout(job).Trim().Split('\n');
            Assert.True(pids.Length == 2, "the job printed both pids before its timeout; stderr: " + responder.Stderr(job));
            Assert.Equal(spare.ToString(), pids[0].Trim());
            WaitGone(spare, TimeSpan.FromSeconds(10));
            WaitGone(int.Parse(pids[1].Trim()), TimeSpan.FromSeconds(10));
        }
    }
}
