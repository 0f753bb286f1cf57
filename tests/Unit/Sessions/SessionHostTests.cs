using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Sessions;
using Outpost.Tests.Support;
using Xunit;
using static Outpost.Tests.Warm.WarmTestSupport;

namespace Outpost.Tests.Sessions
{
    /// <summary>Session workers in a real responder, driven by .ps1 jobs that carry the session header.</summary>
    public sealed class SessionHostTests
    {
        private static RunningResponder SessionResponder(string pwsh, Action<ResponderOptions>? more = null) => new(o =>
        {
            o.Interpreters = ShellAndPwsh(pwsh);
            o.Warm = WarmSettings.Off; // sessions alone: no spares competing for the two cores
            more?.Invoke(o);
        });

        private static OutpostJob Open(RunningResponder r, string id, string script = "'opened'", int idle = 0) =>
            r.RunJob(SessionDirective.Header(id, open: true, idleTimeoutSeconds: idle) + script, "ps1");

        private static OutpostJob Command(RunningResponder r, string id, string script, Action<JobSubmission>? configure = null) =>
            r.RunJob(SessionDirective.Header(id) + script, "ps1", configure);

        [Fact]
        public async Task State_persists_between_commands_of_one_session()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            Assert.Equal(0, Open(r, "s1", "$x = 41; function Get-Answer { $x + 1 }; Set-Location /tmp").Result!.ExitCode);
            var job = Command(r, "s1", "Get-Answer; $PWD.Path; $x");
            Assert.True(job.Result!.ExitCode == 0, r.Stderr(job));
            Assert.Equal(new[] { "42", "/tmp", "41" }, r.Stdout(job).Trim().Split('\n'));
        }

        [Fact]
        public async Task Commands_route_to_their_own_session()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            Open(r, "a", "$who = 'a'");
            Open(r, "b", "$who = 'b'");
            Assert.Equal("a", r.Stdout(Command(r, "a", "$who")).Trim());
            Assert.Equal("b", r.Stdout(Command(r, "b", "$who")).Trim());
            Assert.Equal("[]", r.Stdout(r.RunJob("\"[$who]\"", "ps1")).Trim()); // an ordinary job sees no session
        }

        [Fact]
        public async Task Commands_of_one_session_run_one_at_a_time_in_order()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            Open(r, "ordered", "$n = 0; $log = [System.Collections.Generic.List[string]]::new()");
            var jobs = Enumerable.Range(1, 6).Select(i =>
                r.Submit(SessionDirective.Header("ordered") + $"$n++; $log.Add('{i}:' + $n); Start-Sleep -Milliseconds 50; $n", "ps1")).ToList();
            var done = jobs.Select(j => r.Target.Wait(j, TimeSpan.FromSeconds(60))).ToList();
            Assert.Equal(Enumerable.Range(1, 6).Select(i => i.ToString()), done.Select(j => r.Stdout(j).Trim()));
            Assert.Equal("1:1,2:2,3:3,4:4,5:5,6:6", r.Stdout(Command(r, "ordered", "$log -join ','")).Trim());
        }

        [Fact]
        public async Task Exit_codes_of_session_commands_and_the_session_survives_them()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            Open(r, "codes", "$kept = 'yes'");
            Assert.Equal(5, Command(r, "codes", "exit 5").Result!.ExitCode);
            var thrown = Command(r, "codes", "throw 'boom'");
            Assert.Equal(1, thrown.Result!.ExitCode);
            Assert.Contains("boom", r.Stderr(thrown));
            var after = Command(r, "codes", "$kept");
            Assert.Equal(0, after.Result!.ExitCode);
            Assert.Equal("yes", r.Stdout(after).Trim());
        }

        [Fact]
        public async Task An_idle_session_expires_and_then_reports_broken()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            var opened = Open(r, "idle", "$PID", idle: 1);
            int worker = int.Parse(r.Stdout(opened).Trim());
            WaitGone(worker, TimeSpan.FromSeconds(15));
            var late = Command(r, "idle", "'too late'");
            Assert.Equal(Wire.ExitDispatchError, late.Result!.ExitCode);
            Assert.Contains("session idle is broken: it was idle for more than 1 s", r.Stderr(late));
        }

        [Fact]
        public async Task A_session_whose_worker_was_killed_reports_broken_and_is_not_replaced()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            int worker = int.Parse(r.Stdout(Open(r, "victim", "$PID")).Trim());
            Process.GetProcessById(worker).Kill();
            WaitGone(worker, TimeSpan.FromSeconds(10));
            RunningResponder.WaitUntil(() => !r.Responder.Sessions!.Workers.ContainsKey("victim"), TimeSpan.FromSeconds(10));
            for (int i = 0; i < 2; i++)
            {
                var job = Command(r, "victim", "$PID");
                Assert.Equal(Wire.ExitDispatchError, job.Result!.ExitCode);
                Assert.Contains("session victim is broken: its worker process ended", r.Stderr(job));
            }
            Assert.Empty(r.Responder.Sessions!.Workers);
        }

        [Fact]
        public async Task A_session_from_before_a_responder_restart_reports_broken()
        {
            string pwsh = RequirePwsh();
            using var share = new TempFolder();
            string path = share.Combine("share");
            int worker;
            await using (var first = new RunningResponder(o => { o.Interpreters = ShellAndPwsh(pwsh); o.Warm = WarmSettings.Off; }, path))
            {
                worker = int.Parse(first.Stdout(Open(first, "old", "$PID")).Trim());
                await first.StopAsync();
            }
            WaitGone(worker, TimeSpan.FromSeconds(10));
            await using var second = new RunningResponder(o => { o.Interpreters = ShellAndPwsh(pwsh); o.Warm = WarmSettings.Off; }, path);
            var job = Command(second, "old", "'state?'");
            Assert.Equal(Wire.ExitDispatchError, job.Result!.ExitCode);
            Assert.Contains("session old is broken: this responder has no such session", second.Stderr(job));
            Assert.Empty(second.Responder.Sessions!.Workers);
        }

        [Fact]
        public async Task The_session_limit_refuses_one_more_and_a_removed_session_frees_its_place()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh, o => o.Sessions = new SessionSettings { MaxSessions = 1 });
            Assert.Equal(0, Open(r, "one").Result!.ExitCode);
            var refused = Open(r, "two");
            Assert.Equal(Wire.ExitDispatchError, refused.Result!.ExitCode);
            Assert.Contains("[sessions] max = 1", r.Stderr(refused));

            var close = r.RunJob(SessionDirective.Header("one", close: true) + "'closing'", "ps1");
            Assert.Equal(0, close.Result!.ExitCode);
            Assert.Equal(0, Open(r, "three").Result!.ExitCode);
            var removed = Command(r, "one", "'gone?'");
            Assert.Contains("session one is broken: it was removed", r.Stderr(removed));
        }

        [Fact]
        public async Task A_timed_out_command_ends_its_session_and_the_worker_tree()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            int worker = int.Parse(r.Stdout(Open(r, "slow", "$PID")).Trim());
            var job = Command(r, "slow", "$p = Start-Process sleep 60 -PassThru; $p.Id; [Console]::Out.Flush(); Start-Sleep 60", s => s.TimeoutSeconds = 2);
            Assert.True(job.Result!.TimedOut);
            Assert.Equal(Wire.ExitTimeout, job.Result.ExitCode);
            WaitGone(worker, TimeSpan.FromSeconds(10));
            var next = Command(r, "slow", "'again'");
            Assert.Contains("session slow is broken: command " + job.Stem + " timed out", r.Stderr(next));
        }

        [Fact]
        public async Task The_advertisement_says_sessions_are_served()
        {
            string pwsh = RequirePwsh();
            await using var r = SessionResponder(pwsh);
            Assert.Contains(DispatchInfo.SessionsFeature, r.Target.CheckProtocolVersion()!.Features);
        }
    }
}
