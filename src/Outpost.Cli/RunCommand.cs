using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;

namespace Outpost.Cli
{
    /// <summary><c>outpost run</c>: serve a share in the foreground until STOP, RESTART, Ctrl+C or SIGTERM.</summary>
    internal static class RunCommand
    {
        /// <summary>--config, else OUTPOST_CONFIG, else the per-user outpost.toml when it exists.</summary>
        internal static string? ResponderConfigPath(string? flag)
        {
            string path = Outpost.Core.Config.ConfigPaths.ResponderFile(flag);
            bool explicitlyAsked = flag != null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OUTPOST_CONFIG"));
            return explicitlyAsked || System.IO.File.Exists(path) ? path : null;
        }

        public const string Usage =
            "outpost run --dir <share> [--config outpost.toml] [--lanes 1] [--poll 2s] [--timeout 60s] [--retain-days 7] [--name <name>] [--workdir <dir>] [--no-watch] [--quiet] [--supervise]";

        /// <summary>
        /// <c>run --supervise</c>: the same command without --supervise, run as a child process and kept up
        /// by the supervisor (restart on 75, back off on 74 and crashes, stop on 0 or SIGTERM/Ctrl+C).
        /// </summary>
        private static async Task<int> SuperviseAsync(string[] argv, string share, bool quiet)
        {
            var childArgs = new List<string>();
            string? host = Environment.ProcessPath;
            if (host != null && System.IO.Path.GetFileNameWithoutExtension(host) == "dotnet")
                childArgs.Add(typeof(Program).Assembly.Location);
            childArgs.Add("run");
            childArgs.AddRange(Array.FindAll(argv, a => a != "--supervise" && a != "-supervise"));
            var runner = new Outpost.Core.Hosting.ChildProcessRunner(host ?? "outpost", childArgs, share);
            var supervisor = new Outpost.Core.Hosting.Supervisor(
                new Outpost.Core.Hosting.SupervisorOptions { SharePath = System.IO.Path.GetFullPath(share) }, runner,
                e => { if (!quiet || e.Kind == Outpost.Core.Hosting.SupervisorEventKind.BackingOff) Console.Error.WriteLine("outpost: " + e); });
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
            Console.CancelKeyPress += onCancel;
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            try { return await supervisor.RunAsync(stop.Token); }
            finally { Console.CancelKeyPress -= onCancel; }
        }

        public static async Task<int> RunAsync(string[] argv)
        {
            var args = Arguments.Parse(argv,
                new HashSet<string> { "dir", "target", "targets", "lanes", "poll", "timeout", "retain-days", "name", "config", "workdir", "output-cap" },
                new HashSet<string> { "no-watch", "quiet", "supervise" });
            if (args.Positional.Count > 0) throw new UsageException($"unexpected argument \"{args.Positional[0]}\"");
            var options = new ResponderOptions
            {
                SharePath = Program.ShareFrom(args),
                LaneCount = args.Int("lanes", 0),
                ConfigPath = ResponderConfigPath(args.Get("config")),
                PollInterval = args.Duration("poll", TimeSpan.FromSeconds(Wire.DefaultPollSeconds)),
                DefaultTimeout = args.Duration("timeout", TimeSpan.FromSeconds(Wire.DefaultTimeoutSeconds)),
                RetainDays = args.Int("retain-days", Wire.DefaultRetainDays),
                Name = args.Get("name"),
                WorkingDirectory = args.Get("workdir"),
                UseWatcher = !args.Flag("no-watch"),
                AdaptivePolling = !args.Flag("no-watch"),
            };
            if (args.Has("output-cap")) options.OutputCapBytes = args.Int("output-cap", 0);
            if (options.ConfigPath != null) Console.Error.WriteLine("outpost: configuration " + options.ConfigPath);
            try { options.Validate(); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }

            bool quiet = args.Flag("quiet");
            if (args.Flag("supervise")) return await SuperviseAsync(argv, options.SharePath, quiet);
            using var stop = new CancellationTokenSource();
            using var interrupt = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                if (!stop.IsCancellationRequested)
                {
                    Console.Error.WriteLine("outpost: stopping after running jobs finish (Ctrl+C again to kill them)");
                    stop.Cancel();
                }
                else interrupt.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            try
            {
                var responder = new Responder(options, e =>
                {
                    if (!quiet || e.Kind is ResponderEventKind.Error or ResponderEventKind.Warning)
                        Console.Error.WriteLine("outpost: " + e);
                });
                var reason = await responder.RunAsync(stop.Token, interrupt.Token);
                int code = ResponderExitCodes.For(reason);
                if (reason == ResponderStopReason.ShareUnavailable)
                    Console.Error.WriteLine($"outpost run: {responder.StopMessage} (exit {code})");
                return code;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
    }
}
