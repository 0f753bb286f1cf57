using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Outpost.Core.Client;
using Outpost.Core.Sessions;
using Outpost.Tests.Support;
using Xunit;
using static Outpost.Tests.Warm.WarmTestSupport;

namespace Outpost.Tests.Warm
{
    /// <summary>kill -9 of a real `outpost run` process: its spares and session workers must not outlive it.</summary>
    public sealed class ResponderKillTests
    {
        [Fact]
        public void Kill_9_of_the_responder_leaves_no_spare_or_session_worker_behind()
        {
            string pwsh = RequirePwsh();
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            string config = folder.Combine("outpost.toml");
            File.WriteAllText(config,
                "[dispatch]\nenabled = [\"sh\", \"ps1\"]\n[dispatch.path]\nsh = \"/bin/sh\"\nps1 = \"" + pwsh + "\"\n" +
                "[warm]\nextensions = [\"sh\", \"ps1\"]\nspares_per_lane = 1\n");
            using var responder = ResponderProcess.Start(share, $"--config \"{config}\"");
            try
            {
                var target = new OutpostTarget(share, "killed");
                RunningResponder.WaitUntil(() => File.Exists(target.Layout.DispatchFile), TimeSpan.FromSeconds(30));
                var open = target.Submit(JobSubmission.FromText(SessionDirective.Header("killtest", open: true) + "$state = 'kept'; $PID", "ps1"));
                var opened = target.Wait(open, TimeSpan.FromSeconds(60));
                Assert.Equal(0, opened.Result!.ExitCode);
                int worker = int.Parse(System.Text.Encoding.UTF8.GetString(target.ReadOutput(opened, OutputStreamKind.Stdout)).Trim());

                // Two spares (sh, ps1) and the session worker, all children of the responder.
                RunningResponder.WaitUntil(() => ChildrenOf(responder.Id).Count >= 3, TimeSpan.FromSeconds(30));
                var children = ChildrenOf(responder.Id);
                Assert.Contains(worker, children);

                responder.Kill(); // SIGKILL: no finally block, no Dispose runs in the responder
                responder.WaitForExit();
                foreach (int child in children) WaitGone(child, TimeSpan.FromSeconds(20));
            }
            finally
            {
                if (!responder.HasExited) responder.Kill(entireProcessTree: true);
            }
        }
    }
}
