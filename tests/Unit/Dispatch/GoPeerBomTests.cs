using System.Diagnostics;
using System.IO;
using System.Text;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Tests.Support;

namespace Outpost.Tests.Dispatch
{
    /// <summary>
    /// A .ps1 job now carries a UTF-8 BOM; the Go responder does not skip a BOM when it looks for the
    /// timeout header (a header right after the BOM is ignored), so the composer puts the BOM on a line of
    /// its own. Proven against the real Go peer, where there is one.
    /// </summary>
    public class GoPeerBomTests
    {
        [Fact]
        public async Task A_ps1_job_with_a_BOM_keeps_its_timeout_on_a_Go_responder()
        {
            string peer = Environment.GetEnvironmentVariable("OUTPOST_GO_PEER") is { Length: > 0 } set ? set : "/opt/go-outpost/bin/outpost";
            if (!File.Exists(peer)) Assert.Skip("no Go outpost peer (set OUTPOST_GO_PEER): skipped");
            string? pwsh = JobScriptEncodingTests.Pwsh();
            if (pwsh == null) Assert.Skip("pwsh is not available for the Go responder's .ps1 jobs: skipped");
            using var home = new TempFolder();
            string share = home.Combine("share");
            var info = new ProcessStartInfo(peer, $"run --dir \"{share}\" --lanes 1 --poll 200ms") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            info.Environment["XDG_CONFIG_HOME"] = home.Combine("config");
            info.Environment["PATH"] = Path.GetDirectoryName(pwsh) + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
            using var responder = Process.Start(info)!;
            try
            {
                var target = new OutpostTarget(share);
                RunningResponder.WaitUntil(() => target.Probe().Available, TimeSpan.FromSeconds(30));
                var slow = JobSubmission.FromText("Start-Sleep -Seconds 20\n'finished'\n", "ps1");
                slow.TimeoutSeconds = 1;
                var job = await target.WaitAsync(target.Submit(slow), TimeSpan.FromSeconds(60));
                Assert.Equal(Wire.ExitTimeout, job.Result!.ExitCode);

                var text = JobSubmission.FromText("[Console]::Out.Write('é–ü')\n", "ps1");
                text.TimeoutSeconds = 30;
                var ran = await target.WaitAsync(target.Submit(text), TimeSpan.FromSeconds(60));
                Assert.Equal(0, ran.Result!.ExitCode);
                Assert.Equal("é–ü", Encoding.UTF8.GetString(target.ReadOutput(ran, OutputStreamKind.Stdout)));
            }
            finally
            {
                try { responder.Kill(true); } catch (InvalidOperationException) { }
                responder.WaitForExit(10_000);
            }
        }
    }
}
