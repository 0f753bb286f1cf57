using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;

namespace Outpost.PowerShell.Commands
{
    /// <summary>
    /// Serves a shared folder: in the foreground (its events stream down the pipeline; Ctrl+C stops it
    /// after running jobs finish) or as a PowerShell job visible in Get-Job.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "OutpostResponder", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ResponderEvent))]
    [OutputType(typeof(Core.Hosting.SupervisorEvent))]
    [OutputType(typeof(OutpostResponderJob))]
    public sealed class StartOutpostResponderCommand : OutpostCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        public string Path { get; set; } = "";

        [Parameter]
        [ValidateRange(1, 64)]
        [Alias("Lanes")]
        public int LaneCount { get; set; }

        /// <summary>outpost.toml to read (and reload when it changes); parameters given here win over it.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? ConfigPath { get; set; }

        [Parameter]
        public string? Name { get; set; }

        [Parameter]
        [ValidateRange(0.01, 3600)]
        public double PollIntervalSec { get; set; } = Wire.DefaultPollSeconds;

        [Parameter]
        [ValidateRange(1, 86400)]
        public int DefaultTimeoutSec { get; set; } = Wire.DefaultTimeoutSeconds;

        [Parameter]
        [ValidateRange(0, 36500)]
        public int RetainDays { get; set; } = Wire.DefaultRetainDays;

        [Parameter]
        public string? WorkingDirectory { get; set; }

        /// <summary>Poll only (no file-system notifications), as a v1 responder does.</summary>
        [Parameter]
        public SwitchParameter NoWatch { get; set; }

        /// <summary>Keep the responder up: restart it on RESTART (75), retry with backoff when the share is gone (74) or it fails.</summary>
        [Parameter]
        public SwitchParameter Supervise { get; set; }

        [Parameter]
        public SwitchParameter AsJob { get; set; }

        protected override void ProcessRecord()
        {
            var options = new ResponderOptions
            {
                SharePath = GetUnresolvedProviderPathFromPSPath(Path),
                LaneCount = LaneCount,
                ConfigPath = ConfigPath == null ? null : GetUnresolvedProviderPathFromPSPath(ConfigPath),
                Name = Name,
                PollInterval = TimeSpan.FromSeconds(PollIntervalSec),
                DefaultTimeout = TimeSpan.FromSeconds(DefaultTimeoutSec),
                RetainDays = RetainDays,
                WorkingDirectory = WorkingDirectory == null ? SessionState.Path.CurrentFileSystemLocation.ProviderPath : GetUnresolvedProviderPathFromPSPath(WorkingDirectory),
                UseWatcher = !NoWatch,
                AdaptivePolling = !NoWatch,
            };
            if (!ShouldProcess(options.SharePath, LaneCount > 0 ? $"Serve with {LaneCount} lane(s)" : "Serve")) return;
            if (AsJob)
            {
                var job = new OutpostResponderJob(MyInvocation.Line, options, Supervise);
                try { job.Start(); }
                catch (Core.OutpostException e) { ThrowFailure(e); return; }
                JobRepository.Add(job);
                WriteObject(job);
                return;
            }
            RunInForeground(options);
        }

        private void RunInForeground(ResponderOptions options)
        {
            var events = new BlockingCollection<object>();
            var report = new ResponderReport(WriteObject, WriteError, WriteWarning);
            Responder? responder = null;
            Task<ResponderStopReason?> run;
            try
            {
                if (Supervise)
                {
                    var supervisor = new Core.Hosting.Supervisor(new Core.Hosting.SupervisorOptions { SharePath = options.SharePath },
                        new Core.Hosting.InProcessRunner(() => new Responder(options, events.Add)), events.Add);
                    run = Task.Run(async () => { await supervisor.RunAsync(CancelToken).ConfigureAwait(false); return (ResponderStopReason?)null; });
                }
                else
                {
                    var single = responder = new Responder(options, events.Add);
                    // Ctrl+C (StopProcessing) asks for a graceful stop: running jobs finish and get results.
                    run = Task.Run(async () => (ResponderStopReason?)await single.RunAsync(CancelToken).ConfigureAwait(false));
                }
            }
            catch (Core.OutpostException e) { ThrowFailure(e); return; }
            run.ContinueWith(_ => events.CompleteAdding(), TaskScheduler.Default);
            foreach (var item in events.GetConsumingEnumerable()) report.Event(item);
            ResponderStopReason? reason;
            try { reason = run.GetAwaiter().GetResult(); }
            catch (Core.OutpostException e) { ThrowFailure(e); return; }
            if (reason.HasValue && report.End(reason.Value, responder!.StopMessage, options.SharePath) is { } failure) WriteFailure(failure);
        }
    }
}
