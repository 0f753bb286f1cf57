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
    /// <c>setsid</c>), so one signal to its process group reaches grandchildren; on Windows it runs in a
    /// Job Object that is terminated as a whole. Either way a timeout or cancel leaves nothing behind.
    /// </summary>
    internal sealed class ProcessTree : IDisposable
    {
        private static readonly string? SetsidPath = FindSetsid();
        private static readonly MethodInfo? KillEntireTree =
            typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

        private readonly Process _process;
        private readonly WindowsJobObject? _job;
        private readonly TaskCompletionSource<bool> _exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly bool _ownSession;

        private ProcessTree(Process process, WindowsJobObject? job, bool ownSession)
        {
            _process = process;
            _job = job;
            _ownSession = ownSession;
        }

        public Stream StandardOutput => _process.StandardOutput.BaseStream;
        /// <summary>Open only when started with keepInput: a spare or session worker reads its orders here.</summary>
        public Stream StandardInput => _process.StandardInput.BaseStream;
        public Stream StandardError => _process.StandardError.BaseStream;
        public Task Exited => _exited.Task;
        public int ExitCode => _process.ExitCode;
        public int Id => _process.Id;

        /// <summary>Starts <paramref name="program"/> with stdin at end-of-file (unless <paramref name="keepInput"/>) and stdout/stderr piped.</summary>
        public static ProcessTree Start(string program, IReadOnlyList<string> arguments, string workingDirectory, bool keepInput = false)
        {
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
            var info = new ProcessStartInfo
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
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            WindowsJobObject? job = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? WindowsJobObject.TryCreate() : null;
            var tree = new ProcessTree(process, job, ownSession);
            process.Exited += (_, _) => tree._exited.TrySetResult(true);
            process.Start();
            job?.TryAssign(process);
            if (!keepInput)
            {
                try { process.StandardInput.Close(); } // the job reads end-of-file, never blocks on input
                catch (IOException) { }
            }
            if (process.HasExited) tree._exited.TrySetResult(true);
            return tree;
        }

        /// <summary>Kills the process and all its descendants; safe to call more than once.</summary>
        public void Kill()
        {
            if (_job != null && _job.Terminate()) return;
            if (_ownSession) UnixSignals.KillGroup(_process.Id);
            try
            {
                if (_process.HasExited) return;
                if (KillEntireTree != null) KillEntireTree.Invoke(_process, new object[] { true });
                else _process.Kill();
            }
            catch (Exception e) when (e is InvalidOperationException || e is Win32Exception || e is TargetInvocationException) { }
        }

        /// <summary>Kills whatever is left of the group after the main process exited (stray background children).</summary>
        public void KillStragglers()
        {
            if (_ownSession) UnixSignals.KillGroup(_process.Id);
            _job?.Terminate();
        }

        public void Dispose()
        {
            _job?.Dispose();
            _process.Dispose();
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

    /// <summary>A Windows Job Object with kill-on-close: terminating it ends every process in the job.</summary>
    internal sealed class WindowsJobObject : IDisposable
    {
        private IntPtr _handle;

        private WindowsJobObject(IntPtr handle) => _handle = handle;

        public static WindowsJobObject? TryCreate()
        {
            try
            {
                IntPtr handle = CreateJobObject(IntPtr.Zero, null);
                if (handle == IntPtr.Zero) return null;
                var info = new JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
                info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
                int size = Marshal.SizeOf(typeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION));
                IntPtr buffer = Marshal.AllocHGlobal(size);
                try
                {
                    Marshal.StructureToPtr(info, buffer, false);
                    SetInformationJobObject(handle, JobObjectExtendedLimitInformation, buffer, (uint)size);
                }
                finally { Marshal.FreeHGlobal(buffer); }
                return new WindowsJobObject(handle);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return null;
            }
        }

        public void TryAssign(Process process)
        {
            try { AssignProcessToJobObject(_handle, process.Handle); }
            catch (InvalidOperationException) { }
        }

        public bool Terminate() => _handle != IntPtr.Zero && TerminateJobObject(_handle, 1);

        public void Dispose()
        {
            if (_handle == IntPtr.Zero) return;
            CloseHandle(_handle);
            _handle = IntPtr.Zero;
        }

        private const int JobObjectExtendedLimitInformation = 9;
        private const uint JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;

        [StructLayout(LayoutKind.Sequential)]
        private struct JOBOBJECT_BASIC_LIMIT_INFORMATION
        {
            public long PerProcessUserTimeLimit;
            public long PerJobUserTimeLimit;
            public uint LimitFlags;
            public UIntPtr MinimumWorkingSetSize;
            public UIntPtr MaximumWorkingSetSize;
            public uint ActiveProcessLimit;
            public UIntPtr Affinity;
            public uint PriorityClass;
            public uint SchedulingClass;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct IO_COUNTERS
        {
            public ulong ReadOperationCount, WriteOperationCount, OtherOperationCount;
            public ulong ReadTransferCount, WriteTransferCount, OtherTransferCount;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct JOBOBJECT_EXTENDED_LIMIT_INFORMATION
        {
            public JOBOBJECT_BASIC_LIMIT_INFORMATION BasicLimitInformation;
            public IO_COUNTERS IoInfo;
            public UIntPtr ProcessMemoryLimit;
            public UIntPtr JobMemoryLimit;
            public UIntPtr PeakProcessMemoryUsed;
            public UIntPtr PeakJobMemoryUsed;
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr CreateJobObject(IntPtr attributes, string? name);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool SetInformationJobObject(IntPtr job, int infoClass, IntPtr info, uint length);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool AssignProcessToJobObject(IntPtr job, IntPtr process);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool TerminateJobObject(IntPtr job, uint exitCode);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool CloseHandle(IntPtr handle);
    }
}
