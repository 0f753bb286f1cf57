using System.Diagnostics;
using System.IO;
using Outpost.Core.Client;
using Outpost.Tests.Hosting;
using Outpost.Tests.Support;

namespace Outpost.Tests.Cli
{
    /// <summary>outpost service install: the trigger choice, and the command line it writes, run for real.</summary>
    public class ServiceCommandTests
    {
        [Fact]
        public void An_unknown_trigger_is_a_usage_error()
        {
            using var folder = new TempFolder();
            var result = CliTests.RunCli($"service install --dir \"{folder.Path}\" --trigger boot --dry-run");
            Assert.Equal(2, result.Exit);
            Assert.Contains("--trigger is startup or logon", result.Stderr);
        }

        [Fact]
        public async Task The_dry_run_command_line_starts_a_responder_that_runs_jobs()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("the systemd unit is what Linux writes: skipped elsewhere");
            using var folder = new TempFolder();
            string share = folder.Combine("svc share");
            Directory.CreateDirectory(share);
            var plan = CliTests.RunCli($"service install --dir \"{share}\" --lanes 1 --poll 100ms --dry-run");
            Assert.True(plan.Exit == 0, plan.Stderr);
            string execStart = plan.Stdout.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
            var words = ServiceDefinitionTests.SystemdWords(execStart.Substring("ExecStart=".Length));
            var info = new ProcessStartInfo(words[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string word in words.Skip(1)) info.ArgumentList.Add(word);
            using var service = Process.Start(info)!;
            try
            {
                var target = new OutpostTarget(share);
                RunningResponder.WaitUntil(() => target.Probe().Available || service.HasExited, TimeSpan.FromSeconds(30));
                Assert.False(service.HasExited, service.HasExited ? service.StandardError.ReadToEnd() : "");
                var job = await target.WaitAsync(target.Submit(JobSubmission.FromText("echo from-the-unit\n", "sh")), TimeSpan.FromSeconds(30));
                Assert.Equal("from-the-unit\n", System.Text.Encoding.UTF8.GetString(target.ReadOutput(job, OutputStreamKind.Stdout)));
            }
            finally
            {
                try { service.Kill(true); } catch (InvalidOperationException) { }
                service.WaitForExit(10_000);
            }
        }
    }
}
