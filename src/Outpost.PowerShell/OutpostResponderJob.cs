using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;

namespace Outpost.PowerShell
{
    /// <summary>
    /// Start-OutpostResponder -AsJob: a responder running in this session. Receive-Job yields its
    /// events as objects; Stop-Job stops it gracefully (running jobs finish and publish results).
    /// </summary>
    public sealed class OutpostResponderJob : OutpostJobBase
    {
        private readonly ResponderOptions _options;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private Responder? _responder;

        private readonly bool _supervise;

        public OutpostResponderJob(string command, ResponderOptions options, bool supervise = false)
            : base(command, "outpost:" + System.IO.Path.GetFileName(options.SharePath.TrimEnd('/', '\\')), "OutpostResponder")
        {
            _options = options;
            _supervise = supervise;
        }

        public string SharePath => _options.SharePath;
        public int LaneCount => _responder?.Options.LaneCount ?? _options.LaneCount;
        /// <summary>The responder's exit code once it has stopped: 0 STOP, 75 RESTART, 74 share unavailable.</summary>
        public int? ExitCode { get; private set; }

        public override string Location => _options.SharePath;

        public override string StatusMessage => ExitCode.HasValue ? $"exit {ExitCode}" : "serving";

        public override void Start()
        {
            // Built here, not in the thread, so a bad outpost.toml fails Start-OutpostResponder itself.
            var responder = _responder = new Responder(_options, OnEvent);
            SetJobState(JobState.Running);
            Task.Run(async () =>
            {
                try
                {
                    int exit = _supervise
                        ? await new Core.Hosting.Supervisor(new Core.Hosting.SupervisorOptions { SharePath = _options.SharePath },
                                new Core.Hosting.InProcessRunner(() => _responder = new Responder(_options, OnEvent)),
                                e => Output.Add(PSObject.AsPSObject(e)))
                            .RunAsync(_stop.Token).ConfigureAwait(false)
                        : await responder.RunAsync(_stop.Token).ConfigureAwait(false);
                    ExitCode = exit;
                    if (_stop.IsCancellationRequested) Finish(JobState.Stopped);
                    else if (exit == Wire.ResponderExitStop) Finish(JobState.Completed);
                    else if (exit == Wire.ResponderExitRestart)
                    {
                        Warning.Add(new WarningRecord($"RESTART requested on {_options.SharePath}: the responder stopped with exit 75"));
                        Finish(JobState.Completed);
                    }
                    else
                    {
                        var e = new OutpostException("ShareUnavailable", OutpostErrorKind.ConnectionError,
                            $"the shared folder {_options.SharePath} is not available; the responder stopped with exit {exit}", _options.SharePath);
                        Error.Add(new ErrorRecord(e, e.ErrorId, ErrorCategory.ConnectionError, _options.SharePath));
                        Finish(JobState.Failed, e);
                    }
                }
                catch (OutpostException e)
                {
                    Error.Add(new ErrorRecord(e, e.ErrorId, ErrorCategory.ResourceBusy, _options.SharePath));
                    Finish(JobState.Failed, e);
                }
                catch (Exception e)
                {
                    Error.Add(new ErrorRecord(e, "ResponderFailed", ErrorCategory.NotSpecified, _options.SharePath));
                    Finish(JobState.Failed, e);
                }
            });
        }

        private void OnEvent(ResponderEvent e)
        {
            Output.Add(PSObject.AsPSObject(e));
            if (e.Kind == ResponderEventKind.Error)
                Error.Add(new ErrorRecord(new InvalidOperationException(e.Message), "ResponderError", ErrorCategory.NotSpecified, e));
            else if (e.Kind == ResponderEventKind.Warning || e.Kind == ResponderEventKind.Refused)
                Warning.Add(new WarningRecord(e.Message));
        }

        protected override void RequestStop() => _stop.Cancel();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _stop.Dispose();
            base.Dispose(disposing);
        }
    }
}
