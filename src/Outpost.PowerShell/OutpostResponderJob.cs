using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Responding;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Start-OutpostResponder -AsJob: a responder running in this session. Receive-Job yields its
    /// events as objects; Stop-Job stops it gracefully (running jobs finish and publish results). When the
    /// session ends (exit, a closed runspace) the responder is stopped the same way, so its share claim and
    /// temp folder do not outlive it.
    /// </summary>
    public sealed class OutpostResponderJob : OutpostJobBase
    {
        /// <summary>How long Start waits for the responder to come up (or fail) before returning the job.</summary>
        private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(15);
        /// <summary>On session end: how long running jobs may finish before they are interrupted.</summary>
        private static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(10);

        private readonly ResponderOptions _options;
        private readonly bool _supervise;
        private readonly CancellationTokenSource _interrupt = new CancellationTokenSource();
        private readonly ManualResetEventSlim _started = new ManualResetEventSlim(false);
        private readonly ResponderReport _report;
        private Responder? _responder;
        private Task? _run;
        private Runspace? _session;
        private volatile string _status = "starting";

        public OutpostResponderJob(string command, ResponderOptions options, bool supervise = false)
            : base(command, TargetNames.NameForPath(options.SharePath), "OutpostResponder")
        {
            _options = options;
            _supervise = supervise;
            _report = new ResponderReport(item => Output.Add(PSObject.AsPSObject(item)), Error.Add, m => Warning.Add(new WarningRecord(m)));
        }

        public string SharePath => _options.SharePath;
        public int LaneCount => _responder?.Options.LaneCount ?? _options.LaneCount;
        /// <summary>Why the responder stopped, once it has (null while serving, and under -Supervise).</summary>
        public ResponderStopReason? StopReason { get; private set; }
        /// <summary>The responder's exit code once it has stopped: 0 STOP, 75 RESTART, 74 share unavailable.</summary>
        public int? ExitCode { get; private set; }

        public override string Location => _options.SharePath;

        public override string StatusMessage => _status;

        /// <summary>Starts serving; returns once the responder is up or has failed to start (at most 15 s).</summary>
        public override void Start()
        {
            // Built here, not in the thread, so a bad outpost.toml fails Start-OutpostResponder itself.
            var responder = _responder = new Responder(_options, OnEvent);
            SetJobState(JobState.Running);
            WatchSession();
            _run = Task.Run(() => RunAsync(responder));
            // A supervised responder waits for its share and retries: there is no "failed to start" to wait for.
            if (!_supervise) _started.Wait(StartupWait);
        }

        private async Task RunAsync(Responder responder)
        {
            try
            {
                if (_supervise)
                {
                    int exit = await new Core.Hosting.Supervisor(new Core.Hosting.SupervisorOptions { SharePath = _options.SharePath },
                            new Core.Hosting.InProcessRunner(() => _responder = new Responder(_options, OnEvent)),
                            OnSupervisorEvent)
                        .RunAsync(Abandoned).ConfigureAwait(false);
                    ExitCode = exit;
                    _status = "stopped";
                    Finish(StopRequested ? JobState.Stopped : JobState.Completed);
                    return;
                }
                var reason = await responder.RunAsync(Abandoned, _interrupt.Token).ConfigureAwait(false);
                StopReason = reason;
                ExitCode = ResponderExitCodes.For(reason);
                _status = ResponderReport.Status(reason);
                var failure = _report.End(reason, responder.StopMessage, _options.SharePath);
                if (failure != null) Fail(failure);
                else Finish(StopRequested ? JobState.Stopped : JobState.Completed);
            }
            catch (Exception e)
            {
                _status = e is OutpostException o && o.ErrorId == "ShareInUse" ? "share in use: " + o.Message : "failed: " + e.Message;
                Fail(e);
            }
            finally
            {
                Unwatch();
                try { _started.Set(); }
                catch (ObjectDisposedException) { }
            }
        }

        private void OnEvent(ResponderEvent e)
        {
            _report.Event(e);
            if (e.Kind == ResponderEventKind.Started)
            {
                _status = "serving";
                try { _started.Set(); }
                catch (ObjectDisposedException) { }
            }
        }

        private void OnSupervisorEvent(Core.Hosting.SupervisorEvent e)
        {
            Output.Add(PSObject.AsPSObject(e));
            if (e.Kind == Core.Hosting.SupervisorEventKind.WaitingForShare) _status = "waiting for the share";
            else if (e.Kind == Core.Hosting.SupervisorEventKind.BackingOff) _status = "backing off: " + e.Message;
            else if (e.Kind == Core.Hosting.SupervisorEventKind.Restarting) _status = "restarting";
        }

        protected override void RequestStop() => Abandon();

        // The session ending (pwsh exits, a runspace is closed) would otherwise kill the responder's thread
        // mid-run: the claim would stay fresh for the liveness window and the temp folder would stay forever.
        private void WatchSession()
        {
            _session = Runspace.DefaultRunspace;
            if (_session != null) _session.StateChanged += OnSessionStateChanged;
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        }

        private void Unwatch()
        {
            if (_session != null) _session.StateChanged -= OnSessionStateChanged;
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        }

        private void OnSessionStateChanged(object? sender, RunspaceStateEventArgs e)
        {
            var state = e.RunspaceStateInfo.State;
            if (state == RunspaceState.Closing || state == RunspaceState.Closed || state == RunspaceState.Broken) ShutDown();
        }

        private void OnProcessExit(object? sender, EventArgs e) => ShutDown();

        /// <summary>A graceful stop; running jobs that do not finish within the grace are interrupted (and reported so).</summary>
        private void ShutDown()
        {
            var run = _run;
            if (run == null || run.IsCompleted) return;
            Abandon();
            if (run.Wait(ShutdownGrace)) return;
            try { _interrupt.Cancel(); }
            catch (ObjectDisposedException) { return; }
            run.Wait(ShutdownGrace);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Unwatch();
                _interrupt.Dispose();
                _started.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
