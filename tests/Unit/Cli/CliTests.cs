using System.Diagnostics;
using System.IO;
using Outpost.Tests.Support;
using Core = global::Outpost.Core;

namespace Outpost.Tests.Cli
{
    /// <summary>The outpost command run as a real process, as a user on a host without PowerShell would.</summary>
    public class CliTests
    {
        internal static (int Exit, string Stdout, string Stderr) RunCli(string arguments, string? stdin = null, IDictionary<string, string>? env = null)
        {
            var info = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "outpost.dll") + " " + arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            info.Environment["OUTPOST_TARGETS"] = Path.Combine(Path.GetTempPath(), "no-such-targets-" + Guid.NewGuid() + ".toml");
            info.Environment.Remove("OUTPOST_DIR");
            info.Environment.Remove("OUTPOST_TARGET");
            foreach (var pair in env ?? new Dictionary<string, string>()) info.Environment[pair.Key] = pair.Value;
            using var process = Process.Start(info)!;
            if (stdin != null) process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(120_000)) { process.Kill(true); throw new TimeoutException("outpost " + arguments); }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }

        [Fact]
        public async Task Submit_prints_the_jobs_output_and_exits_with_its_code()
        {
            await using var responder = new RunningResponder();
            var (exit, stdout, stderr) = RunCli($"submit --dir \"{responder.SharePath}\" --ext sh -", "echo out; echo err >&2; exit 7\n");
            Assert.Equal(7, exit);
            Assert.Equal("out\n", stdout);
            Assert.Equal("err\n", stderr);
        }

        [Fact]
        public async Task Submit_finds_a_target_by_name_in_targets_toml()
        {
            await using var responder = new RunningResponder();
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("targets.toml"), $"[target.vm]\npath = {Core.Config.TargetsFileEditor.Quote(responder.SharePath)}\n");
            string script = folder.Combine("hello.sh");
            File.WriteAllText(script, "echo by-name\n");
            var (exit, stdout, _) = RunCli($"submit --target vm --targets \"{folder.Combine("targets.toml")}\" \"{script}\"");
            Assert.Equal(0, exit);
            Assert.Equal("by-name\n", stdout);
            var unknown = RunCli($"submit --target nope --targets \"{folder.Combine("targets.toml")}\" \"{script}\"");
            Assert.NotEqual(0, unknown.Exit);
            Assert.Contains("no target named \"nope\"", unknown.Stderr);
        }

        [Fact]
        public async Task No_wait_prints_the_stem_and_cancel_stops_the_job()
        {
            await using var responder = new RunningResponder();
            var (exit, stdout, _) = RunCli($"submit --dir \"{responder.SharePath}\" --ext sh --no-wait -", "sleep 30\n");
            Assert.Equal(0, exit);
            string stem = stdout.Trim();
            Assert.True(global::Outpost.Core.Protocol.Stem.TryParse(stem, out _), stem);
            Assert.Equal(0, RunCli($"cancel {stem} --dir \"{responder.SharePath}\"").Exit);
            var job = responder.Target.Wait(responder.Target.GetJob(1, stem), TimeSpan.FromSeconds(30));
            Assert.Equal(126, job.Result!.ExitCode);
        }

        [Fact]
        public void Setup_writes_outpost_toml_once_and_reports_no_drift()
        {
            using var folder = new TempFolder();
            string config = folder.Combine("outpost.toml");
            Assert.Equal(0, RunCli($"setup --write \"{config}\" --name probe-host --lanes 2").Exit);
            var written = global::Outpost.Core.Config.ResponderConfig.Load(config);
            Assert.Equal("probe-host", written.Name);
            Assert.Contains("sh", written.Enabled!);
            var again = RunCli($"setup --write \"{config}\"");
            Assert.Equal(1, again.Exit);
            Assert.Contains("--force", again.Stderr);
            Assert.Contains("no drift", RunCli($"setup --write \"{config}\" --diff").Stdout);
        }

        [Fact]
        public void Usage_errors_exit_2_and_a_missing_share_exits_74()
        {
            Assert.Equal(2, RunCli("submit").Exit);
            Assert.Equal(2, RunCli("frobnicate").Exit);
            var missing = RunCli($"run --dir /nonexistent-{Guid.NewGuid()}/share");
            Assert.Equal(74, missing.Exit);
            Assert.Contains("not available", missing.Stderr);
        }

        [Fact]
        public void Run_serves_until_STOP_and_exits_0()
        {
            HostRequirements.RequirePosixShell();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            var info = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "outpost.dll")}\" run --dir \"{share}\" --poll 100ms --quiet")
            { UseShellExecute = false, RedirectStandardError = true };
            using var run = Process.Start(info)!;
            RunningResponder.WaitUntil(() => File.Exists(Path.Combine(share, "inbox", "dispatch.txt")), TimeSpan.FromSeconds(30));
            var target = new global::Outpost.Core.Client.OutpostTarget(share);
            var job = target.Wait(target.Submit(global::Outpost.Core.Client.JobSubmission.FromText("echo served\n", "sh")), TimeSpan.FromSeconds(30));
            Assert.Equal(0, job.Result!.ExitCode);
            Assert.Equal(0, RunCli($"stop --dir \"{share}\"").Exit);
            Assert.True(run.WaitForExit(30_000));
            Assert.Equal(0, run.ExitCode);
        }
    }
}
