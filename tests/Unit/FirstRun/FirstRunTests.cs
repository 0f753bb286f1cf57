using System.IO;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Diagnostics;
using Outpost.Core.Probing;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Tests.Support;

namespace Outpost.Tests.FirstRun
{
    /// <summary>The Core side of what a first-time user tripped over (issue 20) and of the stop reason (issue 19).</summary>
    public class FirstRunTests
    {
        private static (int Exit, string Stdout, string Stderr) RunCli(string arguments, string stdin) =>
            Cli.CliTests.RunCli(arguments, stdin);

        [Fact]
        public async Task Submit_refuses_an_extension_the_target_does_not_advertise_and_queues_nothing()
        {
            await using var responder = new RunningResponder();
            var e = Assert.Throws<OutpostException>(() => ServedExtensions.Check(responder.Target, "rb"));
            Assert.Equal("ExtensionNotServed", e.ErrorId);
            Assert.Equal(OutpostErrorKind.InvalidArgument, e.Kind);
            Assert.Contains(".sh", e.Message);
            Assert.Null(ServedExtensions.Check(responder.Target, "sh"));

            var (exit, stdout, stderr) = RunCli($"submit --dir \"{responder.SharePath}\" --ext rb -", "puts 1\n");
            Assert.NotEqual(0, exit);
            Assert.Contains("does not run .rb jobs", stderr);
            Assert.Equal("", stdout);
            Assert.Empty(responder.Target.GetJobs());
        }

        [Fact]
        public void Without_an_advertisement_the_extension_is_not_checked_and_the_job_queues()
        {
            using var folder = new TempFolder();
            var target = new OutpostTarget(folder.Path);
            Assert.Contains("could not be checked", ServedExtensions.Check(target, "rb"));
            var (exit, stdout, stderr) = RunCli($"submit --dir \"{folder.Path}\" --ext rb --no-wait -", "puts 1\n");
            Assert.Equal(0, exit);
            Assert.Contains("could not be checked", stderr);
            Assert.Single(target.GetJobs(), j => j.Stem == stdout.Trim());
        }

        [Fact]
        public void Served_extensions_are_the_order_then_any_other_advertised_interpreter()
        {
            var info = new DispatchInfo { Order = { "ps1", "sh" } };
            info.Interpreters["sh"] = "/bin/sh";
            info.Interpreters["py"] = "/usr/bin/python3";
            Assert.Equal(new[] { "ps1", "sh", "py" }, ServedExtensions.Of(info));
        }

        [Fact]
        public async Task A_cancel_with_no_responder_running_shows_as_pending()
        {
            using var folder = new TempFolder();
            var target = new OutpostTarget(folder.Path);
            var job = target.Submit(JobSubmission.FromText("echo never\n", "sh"));
            Assert.False(target.GetJob(1, job.Stem).CancelPending);
            target.Cancel(1, job.Stem);
            var listed = Assert.Single(target.GetJobs());
            Assert.Equal(OutpostJobState.Queued, listed.State);
            Assert.True(listed.CancelPending);
            Assert.True(target.GetJob(1, job.Stem).CancelPending);

            // Once a responder acts on it, the job is cancelled and nothing is pending any more.
            await using var responder = new RunningResponder(sharePath: folder.Path);
            var done = target.Wait(job, TimeSpan.FromSeconds(30));
            Assert.Equal(Wire.ExitCancelled, done.Result!.ExitCode);
            Assert.False(target.GetJob(1, job.Stem).CancelPending);
        }

        [Fact]
        public void Initialize_with_a_name_and_no_id_names_the_folder_after_it()
        {
            using var folder = new TempFolder();
            var probed = new[] { new ProbedInterpreter { Extension = "sh", Path = "/bin/sh", Works = true } };
            var plan = TargetInitializer.Plan(folder.Path, null, "ux-vm", 1, probed);
            Assert.Equal("ux-vm", plan.Id);
            Assert.Equal(folder.Combine("ux-vm", "share"), plan.Path);
            Assert.Equal("responder \"ux-vm\", 1 lane(s), runs .sh", plan.Summary);
            // A name that is no valid id keeps the platform default for the folder.
            Assert.NotEqual("UX VM", TargetInitializer.Plan(folder.Path, null, "UX VM", 1, probed).Id);
        }

        [Fact]
        public async Task The_doctor_suggests_starting_a_target_init_share_with_its_configuration()
        {
            using var folder = new TempFolder();
            var probed = new[] { new ProbedInterpreter { Extension = "sh", Path = "/bin/sh", Works = true } };
            var plan = TargetInitializer.Plan(folder.Path, "ux-vm", null, 1, probed);
            TargetInitializer.Apply(plan, force: false);
            var findings = await Doctor.ExamineAsync(null, new[] { new OutpostTarget(plan.Path, "ux-vm") }, TimeSpan.FromSeconds(1));
            var responder = Assert.Single(findings, f => f.Check == "responder" && f.Level == FindingLevel.Error);
            Assert.Contains($"-ConfigPath '{plan.ConfigPath}'", responder.Suggestion);
            Assert.Contains($"--config '{plan.ConfigPath}'", responder.Suggestion);
        }

        [Fact]
        public async Task A_run_ends_with_a_reason_that_maps_to_v1_exit_codes()
        {
            Assert.Equal(0, ResponderExitCodes.For(ResponderStopReason.StopRequested));
            Assert.Equal(0, ResponderExitCodes.For(ResponderStopReason.StopSentinel));
            Assert.Equal(0, ResponderExitCodes.For(ResponderStopReason.TakenOver));
            Assert.Equal(75, ResponderExitCodes.For(ResponderStopReason.RestartSentinel));
            Assert.Equal(74, ResponderExitCodes.For(ResponderStopReason.ShareUnavailable));
            await using var responder = new RunningResponder();
            Assert.Equal(ResponderStopReason.StopRequested, await responder.StopAsync());
            Assert.Equal("stop requested", responder.Responder.StopMessage);
        }

        [Fact]
        public async Task A_second_responder_is_refused_once_as_busy_and_says_nothing_else()
        {
            await using var first = new RunningResponder();
            var events = new List<ResponderEvent>();
            var second = new Responder(new ResponderOptions { SharePath = first.SharePath }, events.Add);
            var e = await Assert.ThrowsAsync<OutpostException>(() => second.RunAsync());
            Assert.Equal(OutpostErrorKind.ResourceBusy, e.Kind);
            Assert.Empty(events);
            Assert.Contains("not starting", File.ReadAllText(Path.Combine(first.SharePath, Wire.EventLogFile)));
        }

        [Fact]
        public async Task A_missing_share_is_reported_by_the_reason_alone()
        {
            var events = new List<ResponderEvent>();
            var responder = new Responder(new ResponderOptions { SharePath = Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid(), "share") }, events.Add);
            Assert.Equal(ResponderStopReason.ShareUnavailable, await responder.RunAsync());
            Assert.Empty(events);
            Assert.Contains("is not available", responder.StopMessage);
        }
    }
}
