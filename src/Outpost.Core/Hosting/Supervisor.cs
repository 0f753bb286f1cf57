using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Hosting
{
    public enum SupervisorEventKind { WaitingForShare, Starting, Exited, Restarting, BackingOff, Stopping, Stopped }

    /// <summary>One decision of the supervisor, as an object (and as a line in outpost.log).</summary>
    public sealed class SupervisorEvent
    {
        public DateTime Time { get; set; } = DateTime.UtcNow;
        public SupervisorEventKind Kind { get; set; }
        public int? ExitCode { get; set; }
        public TimeSpan? Delay { get; set; }
        public int Run { get; set; }
        public string Message { get; set; } = "";

        public override string ToString() => $"{ProtocolTime.ToLogTime(Time)} supervisor {Kind}: {Message}";
    }

    public sealed class SupervisorOptions
    {
        public string SharePath { get; set; } = "";
        public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(60);
        public double BackoffFactor { get; set; } = 2.0;
        /// <summary>How often to look for a share that is not there yet.</summary>
        public TimeSpan ShareWaitInterval { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>A run longer than this was healthy: the next failure starts the backoff from the beginning.</summary>
        public TimeSpan HealthyRun { get; set; } = TimeSpan.FromSeconds(60);
    }

    /// <summary>How the supervised responder runs: in this process, or as a child process.</summary>
    public interface IResponderRunner
    {
        /// <summary>Runs one responder until it exits; <paramref name="stop"/> asks it to stop gracefully.</summary>
        Task<int> RunAsync(CancellationToken stop);
    }

    /// <summary>
    /// Keeps a responder up, with v1's exit-code rules in one tested place: 75 (RESTART) starts it again at
    /// once; 74 (share unavailable) and crashes back off exponentially (capped) and retry; 0 (STOP) ends
    /// the supervisor; its own stop request (Ctrl+C, SIGTERM, service stop) is passed on to the responder,
    /// so running jobs finish and publish their results.
    /// </summary>
    public sealed class Supervisor
    {
        private readonly SupervisorOptions _options;
        private readonly IResponderRunner _runner;
        private readonly Action<SupervisorEvent>? _events;

        public Supervisor(SupervisorOptions options, IResponderRunner runner, Action<SupervisorEvent>? events = null)
        {
            if (string.IsNullOrWhiteSpace(options.SharePath)) throw new ArgumentException("the share folder is not set");
            _options = options;
            _runner = runner;
            _events = events;
        }

        /// <returns>0 after STOP or a stop request.</returns>
        public async Task<int> RunAsync(CancellationToken stop)
        {
            TimeSpan backoff = _options.InitialBackoff;
            int run = 0;
            while (!stop.IsCancellationRequested)
            {
                if (!await WaitForShareAsync(stop).ConfigureAwait(false)) break;
                run++;
                Emit(SupervisorEventKind.Starting, run, $"starting responder (run {run})");
                DateTime started = DateTime.UtcNow;
                int exit;
                try
                {
                    exit = await _runner.RunAsync(stop).ConfigureAwait(false);
                }
                catch (Exception e) when (!(e is OperationCanceledException))
                {
                    exit = -1;
                    Emit(SupervisorEventKind.Exited, run, "responder crashed: " + e.Message, exit);
                }
                if (exit != -1) Emit(SupervisorEventKind.Exited, run, $"responder exited with {exit}", exit);
                if (stop.IsCancellationRequested) break;
                if (DateTime.UtcNow - started >= _options.HealthyRun) backoff = _options.InitialBackoff;
                if (exit == Wire.ResponderExitStop)
                {
                    Emit(SupervisorEventKind.Stopped, run, "STOP: the supervisor stops too", 0);
                    return 0;
                }
                if (exit == Wire.ResponderExitRestart)
                {
                    backoff = _options.InitialBackoff;
                    Emit(SupervisorEventKind.Restarting, run, "RESTART: starting again now", exit);
                    continue;
                }
                string why = exit == Wire.ResponderExitShareUnavailable ? "the share is not available" : $"the responder failed (exit {exit})";
                Emit(SupervisorEventKind.BackingOff, run, $"{why}; retrying in {backoff.TotalSeconds:0.###} s", exit, backoff);
                try { await Task.Delay(backoff, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, (long)(backoff.Ticks * _options.BackoffFactor)));
            }
            Emit(SupervisorEventKind.Stopped, run, "stop requested: supervisor stopped", 0);
            return 0;
        }

        private async Task<bool> WaitForShareAsync(CancellationToken stop)
        {
            bool said = false;
            while (!Directory.Exists(_options.SharePath))
            {
                if (!said)
                {
                    Emit(SupervisorEventKind.WaitingForShare, 0, $"waiting for the share {_options.SharePath} to appear");
                    said = true;
                }
                try { await Task.Delay(_options.ShareWaitInterval, stop).ConfigureAwait(false); }
                catch (OperationCanceledException) { return false; }
            }
            return true;
        }

        private void Emit(SupervisorEventKind kind, int run, string message, int? exit = null, TimeSpan? delay = null)
        {
            var e = new SupervisorEvent { Kind = kind, Run = run, Message = message, ExitCode = exit, Delay = delay };
            if (Directory.Exists(_options.SharePath))
            {
                var fields = new List<KeyValuePair<string, string>> { new("run", run.ToString()) };
                if (exit.HasValue) fields.Add(new("exit", exit.Value.ToString()));
                if (delay.HasValue) fields.Add(new("delay", GoDuration.Format(delay.Value)));
                new EventLog(Path.Combine(_options.SharePath, Wire.EventLogFile)).Write("INFO", null, null, "supervisor: " + message, fields);
            }
            try { _events?.Invoke(e); }
            catch (Exception) { }
        }
    }
}
