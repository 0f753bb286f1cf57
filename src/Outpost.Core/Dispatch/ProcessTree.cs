using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Tasks;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// A job's process and everything it starts. On Linux the job runs in a new session (via
    /// <c>setsid</c>), so one signal to its process group reaches grandchildren; on Windows it is created
    /// suspended, put in a Job Object and then resumed, and the job is terminated as a whole. Where the
    /// Job Object cannot hold it, the failure is recorded and a kill walks the process tree instead.
    /// Either way a timeout or cancel leaves nothing behind.
    /// </summary>
    internal sealed class ProcessTree : IDisposable
    {
        private static readonly string? SetsidPath = FindSetsid();

        private readonly Process? _process;
        private readonly WindowsChildProcess? _windows;
        private readonly IJobContainer? _job;
        private readonly TaskCompletionSource<bool> _exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly bool _ownSession;

        private ProcessTree(Process? process, WindowsChildProcess? windows, IJobContainer? job, bool ownSession)
        {
            _process = process;
            _windows = windows;
            _job = job;
            _ownSession = ownSession;
        }

        public Stream StandardOutput => _windows?.StandardOutput ?? _process!.StandardOutput.BaseStream;
        /// <summary>Open only when started with keepInput: a spare or session worker reads its orders here.</summary>
        public Stream StandardInput => _process?.StandardInput.BaseStream
            ?? throw new InvalidOperationException("this process was started with its stdin at end-of-file");
        public Stream StandardError => _windows?.StandardError ?? _process!.StandardError.BaseStream;
        public Task Exited => _windows?.Exited ?? _exited.Task;
        public int ExitCode => _windows?.ExitCode ?? _process!.ExitCode;
        public int Id => _windows?.Id ?? _process!.Id;

        /// <summary>Why the job's processes are not contained (Windows: no Job Object, or the assignment failed), or null.</summary>
        public string? ContainmentError { get; private set; }

        /// <summary>Starts <paramref name="program"/> with stdin at end-of-file (unless <paramref name="keepInput"/>) and stdout/stderr piped.</summary>
        /// <param name="environment">Variables added to the responder's own for this process (null: none).</param>
        public static ProcessTree Start(string program, IReadOnlyList<string> arguments, string workingDirectory, bool keepInput = false,
            IDictionary<string, string>? environment = null)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // The Windows child starts with stdin at NUL: spares and session workers are not served there yet.
                if (keepInput) throw new InvalidOperationException("an interpreter waiting on stdin is not supported on Windows yet");
                return StartOnWindows(program, arguments, workingDirectory, environment);
            }
            var argv = new List<string>();
            string fileName = program;
            bool ownSession = false;
            if (SetsidPath != null)
            {
                // setsid execs in place (the child is not a group leader), so the pid we hold is the
                // session and process group id; -w keeps the exit status even where it had to fork.
                fileName = SetsidPath;
                argv.Add("-w");
                argv.Add(program);
                ownSession = true;
                if (!File.Exists(program)) throw new Win32Exception(2, $"{program}: no such file");
            }
            argv.AddRange(arguments);
            var info = StartInfo(fileName, argv, workingDirectory);
            if (environment != null) foreach (var pair in environment) info.Environment[pair.Key] = pair.Value;
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            var tree = new ProcessTree(process, null, null, ownSession);
            process.Exited += (_, _) => tree._exited.TrySetResult(true);
            process.Start();
            if (!keepInput)
            {
                try { process.StandardInput.Close(); } // the job reads end-of-file, never blocks on input
                catch (IOException) { }
            }
            if (process.HasExited) tree._exited.TrySetResult(true);
            return tree;
        }

        private static ProcessTree StartOnWindows(string program, IReadOnlyList<string> arguments, string workingDirectory, IDictionary<string, string>? environment)
        {
            WindowsJobObject? job = WindowsJobObject.TryCreate();
            try
            {
                var child = WindowsChildProcess.Start(program, arguments, workingDirectory, job, environment);
                return new ProcessTree(null, child, job, ownSession: false)
                {
                    ContainmentError = job == null ? "no Job Object could be created" : job.AssignError,
                };
            }
            catch
            {
                job?.Dispose();
                throw;
            }
        }

        private static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> argv, string workingDirectory) => new ProcessStartInfo
        {
            FileName = fileName,
            Arguments = CommandLine.Join(argv),
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        /// <summary>Kills the process and all its descendants; safe to call more than once.</summary>
        public void Kill()
        {
            if (TreeKill.ByContainer(_job)) return;
            if (_ownSession) UnixSignals.KillGroup(Id);
            if (_windows != null) TreeKill.ByProcessTree(_windows.Id);
            else TreeKill.ByProcess(_process!);
        }

        /// <summary>Kills whatever is left of the group after the main process exited (stray background children).</summary>
        public void KillStragglers()
        {
            if (_ownSession) UnixSignals.KillGroup(Id);
            TreeKill.ByContainer(_job);
        }

        public void Dispose()
        {
            _job?.Dispose();
            _windows?.Dispose();
            _process?.Dispose();
        }

        private static string? FindSetsid()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return null;
            foreach (string candidate in new[] { "/usr/bin/setsid", "/bin/setsid" })
            {
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }
    }

    /// <summary>The ways a job's processes are ended, from the one that cannot miss a descendant down.</summary>
    internal static class TreeKill
    {
        private static readonly MethodInfo? KillEntireTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

        /// <summary>
        /// Terminates the container, but only when the process was really assigned to it: terminating a
        /// Job Object the process never joined succeeds and kills nothing, so it must not count as done.
        /// </summary>
        public static bool ByContainer(IJobContainer? job) => job != null && job.Assigned == true && job.Terminate();

        /// <summary>The process and its descendants: Kill(entireProcessTree) where .NET has it.</summary>
        public static void ByProcess(Process process)
        {
            try
            {
                if (process.HasExited) return;
                if (KillEntireTree != null) KillEntireTree.Invoke(process, new object[] { true });
                else process.Kill();
            }
            catch (Exception e) when (e is InvalidOperationException || e is Win32Exception || e is TargetInvocationException) { }
        }

        /// <summary>
        /// A Windows process tree by id: Kill(true) on .NET Core; on .NET Framework, which has no tree kill,
        /// taskkill /T /F, which ends the process and every process it started.
        /// </summary>
        // taskkill /t "Ends the specified process and any child processes started by it": https://learn.microsoft.com/windows-server/administration/windows-commands/taskkill
        public static void ByProcessTree(int pid)
        {
            if (KillEntireTree != null)
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    ByProcess(process);
                }
                catch (ArgumentException) { } // already gone
                return;
            }
            string taskkill = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.System), "taskkill.exe");
            try
            {
                using var run = Process.Start(new ProcessStartInfo(taskkill, $"/T /F /PID {pid}") { UseShellExecute = false, CreateNoWindow = true });
                run?.WaitForExit(10_000);
            }
            catch (Exception e) when (e is Win32Exception || e is InvalidOperationException) { }
        }
    }

    internal static class UnixSignals
    {
        private const int SIGKILL = 9;
        private const int SIGTERM = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int NativeKill(int pid, int signal);

        /// <summary>Asks a process to stop gracefully.</summary>
        public static void Terminate(int pid)
        {
            if (pid <= 1) return;
            try { NativeKill(pid, SIGTERM); }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { }
        }

        public static void KillGroup(int pid)
        {
            if (pid <= 1) return;
            try { NativeKill(-pid, SIGKILL); }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { }
        }
    }
}
