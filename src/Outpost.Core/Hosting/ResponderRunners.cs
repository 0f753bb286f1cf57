using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;

namespace Outpost.Core.Hosting
{
    /// <summary>Runs the responder in this process: a crash is an exception the supervisor catches.</summary>
    public sealed class InProcessRunner : IResponderRunner
    {
        private readonly Func<Responder> _create;

        public InProcessRunner(Func<Responder> create) => _create = create;

        public async Task<int> RunAsync(CancellationToken stop) =>
            ResponderExitCodes.For(await _create().RunAsync(stop).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs the responder as a child process (`outpost run …`), so even a crash of the runtime is survived.
    /// A stop request is passed on as SIGTERM (the CLI then stops gracefully); where there are no signals
    /// (Windows) the STOP sentinel does the same.
    /// </summary>
    public sealed class ChildProcessRunner : IResponderRunner
    {
        private readonly string _program;
        private readonly IReadOnlyList<string> _arguments;
        private readonly string _sharePath;

        public ChildProcessRunner(string program, IReadOnlyList<string> arguments, string sharePath)
        {
            _program = program;
            _arguments = arguments;
            _sharePath = sharePath;
        }

        /// <summary>The pid of the running child, or 0.</summary>
        public int CurrentPid { get; private set; }

        public async Task<int> RunAsync(CancellationToken stop)
        {
            var info = new ProcessStartInfo(_program, CommandLine.Join(_arguments)) { UseShellExecute = false };
            using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult(true);
            process.Start();
            CurrentPid = process.Id;
            using (stop.Register(() => AskToStop(process)))
            {
                if (!process.HasExited) await exited.Task.ConfigureAwait(false);
            }
            process.WaitForExit();
            CurrentPid = 0;
            return process.ExitCode;
        }

        private void AskToStop(Process process)
        {
            try
            {
                if (process.HasExited) return;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                    File.WriteAllText(Path.Combine(_sharePath, Wire.StopSentinel), "");
                else UnixSignals.Terminate(process.Id);
            }
            catch (Exception e) when (e is IOException || e is InvalidOperationException || e is UnauthorizedAccessException) { }
        }
    }
}
