using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Win32.SafeHandles;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// A job process on Windows, created suspended, put in its Job Object, then resumed: nothing it starts
    /// can escape the job by being quicker than the assignment. stdin is an already-closed pipe (end of
    /// file), stdout and stderr are pipes, and only those three handles are inherited (a handle list), so
    /// concurrent lanes never leak pipe ends into each other's children.
    /// </summary>
    // CREATE_SUSPENDED then AssignProcessToJobObject then ResumeThread: https://learn.microsoft.com/windows/win32/procthread/job-objects
    internal sealed class WindowsChildProcess : IDisposable
    {
        private IntPtr _process;
        private readonly TaskCompletionSource<bool> _exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEvent _exitHandle;
        private readonly RegisteredWaitHandle _wait;

        private WindowsChildProcess(IntPtr process, int id, Stream stdout, Stream stderr)
        {
            _process = process;
            Id = id;
            StandardOutput = stdout;
            StandardError = stderr;
            _exitHandle = new ManualResetEvent(false) { SafeWaitHandle = new SafeWaitHandle(process, ownsHandle: false) };
            _wait = ThreadPool.RegisterWaitForSingleObject(_exitHandle, (_, _) => _exited.TrySetResult(true), null, Timeout.Infinite, executeOnlyOnce: true);
        }

        public int Id { get; }
        public Stream StandardOutput { get; }
        public Stream StandardError { get; }
        public Task Exited => _exited.Task;

        public int ExitCode => GetExitCodeProcess(_process, out uint code) ? unchecked((int)code) : -1;

        /// <summary>Starts the child suspended, assigns it to <paramref name="job"/> (the result is recorded there), resumes it.</summary>
        public static WindowsChildProcess Start(string program, System.Collections.Generic.IEnumerable<string> arguments, string workingDirectory, WindowsJobObject? job,
            System.Collections.Generic.IDictionary<string, string>? environment = null)
        {
            var pipes = new ChildPipes();
            try
            {
                var info = CreateSuspended(CommandLine.Join(new[] { program }.Concat(arguments)), workingDirectory, pipes, environment);
                pipes.CloseChildEnds();
                job?.Assign(info.hProcess);
                ResumeThread(info.hThread);
                CloseHandle(info.hThread);
                return new WindowsChildProcess(info.hProcess, info.dwProcessId, pipes.TakeStdout(), pipes.TakeStderr());
            }
            finally { pipes.Dispose(); }
        }

        private static PROCESS_INFORMATION CreateSuspended(string commandLine, string workingDirectory, ChildPipes pipes,
            System.Collections.Generic.IDictionary<string, string>? environment)
        {
            IntPtr size = IntPtr.Zero;
            IntPtr block = EnvironmentBlock(environment);
            InitializeProcThreadAttributeList(IntPtr.Zero, 1, 0, ref size);
            IntPtr attributes = Marshal.AllocHGlobal(size);
            IntPtr handles = Marshal.AllocHGlobal(IntPtr.Size * 3);
            try
            {
                if (!InitializeProcThreadAttributeList(attributes, 1, 0, ref size)) throw new Win32Exception();
                Marshal.WriteIntPtr(handles, 0, pipes.ChildStdin);
                Marshal.WriteIntPtr(handles, IntPtr.Size, pipes.ChildStdout);
                Marshal.WriteIntPtr(handles, IntPtr.Size * 2, pipes.ChildStderr);
                if (!UpdateProcThreadAttribute(attributes, 0, (IntPtr)ProcThreadAttributeHandleList, handles, (IntPtr)(IntPtr.Size * 3), IntPtr.Zero, IntPtr.Zero))
                    throw new Win32Exception();
                var startup = new STARTUPINFOEX { lpAttributeList = attributes };
                startup.StartupInfo.cb = Marshal.SizeOf(typeof(STARTUPINFOEX));
                startup.StartupInfo.dwFlags = StartfUseStdHandles;
                startup.StartupInfo.hStdInput = pipes.ChildStdin;
                startup.StartupInfo.hStdOutput = pipes.ChildStdout;
                startup.StartupInfo.hStdError = pipes.ChildStderr;
                var line = new StringBuilder(commandLine); // CreateProcessW may write to the buffer
                uint flags = CreateSuspendedFlag | CreateNoWindow | ExtendedStartupInfoPresent | (block == IntPtr.Zero ? 0u : CreateUnicodeEnvironment);
                if (!CreateProcess(null, line, IntPtr.Zero, IntPtr.Zero, true, flags, block, workingDirectory, ref startup, out var info))
                    throw new Win32Exception(Marshal.GetLastWin32Error());
                return info;
            }
            finally
            {
                DeleteProcThreadAttributeList(attributes);
                Marshal.FreeHGlobal(attributes);
                Marshal.FreeHGlobal(handles);
                if (block != IntPtr.Zero) Marshal.FreeHGlobal(block);
            }
        }

        private const uint CreateUnicodeEnvironment = 0x400;

        /// <summary>
        /// This process's environment with <paramref name="overrides"/> applied, as CreateProcessW wants it:
        /// NAME=value strings sorted by name (case-insensitively), each ended by NUL, the block by another.
        /// Zero (inherit as is) when there is nothing to add.
        /// </summary>
        private static IntPtr EnvironmentBlock(System.Collections.Generic.IDictionary<string, string>? overrides)
        {
            if (overrides is null || overrides.Count == 0) return IntPtr.Zero;
            var variables = new System.Collections.Generic.SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (System.Collections.DictionaryEntry pair in Environment.GetEnvironmentVariables())
                variables[(string)pair.Key] = (string?)pair.Value ?? "";
            foreach (var pair in overrides) variables[pair.Key] = pair.Value;
            var text = new StringBuilder();
            foreach (var pair in variables) text.Append(pair.Key).Append('=').Append(pair.Value).Append('\0');
            text.Append('\0');
            return Marshal.StringToHGlobalUni(text.ToString());
        }

        public void Dispose()
        {
            // A read still blocked on a pipe (abandoned after a kill) keeps the handle alive until it returns:
            // SafeHandle closes it then, so disposing here neither blocks nor leaks.
            StandardOutput.Dispose();
            StandardError.Dispose();
            _wait.Unregister(null);
            _exitHandle.Dispose();
            if (_process != IntPtr.Zero) CloseHandle(_process);
            _process = IntPtr.Zero;
        }

        /// <summary>The three pipes; the child's ends inheritable, ours not.</summary>
        private sealed class ChildPipes : IDisposable
        {
            private IntPtr _stdinWrite, _stdoutRead, _stderrRead;

            public ChildPipes()
            {
                (ChildStdin, _stdinWrite) = Create(childReads: true);
                (_stdoutRead, ChildStdout) = Create(childReads: false);
                (_stderrRead, ChildStderr) = Create(childReads: false);
                CloseHandle(_stdinWrite); // the job reads end-of-file, never blocks on input
                _stdinWrite = IntPtr.Zero;
            }

            public IntPtr ChildStdin { get; private set; }
            public IntPtr ChildStdout { get; private set; }
            public IntPtr ChildStderr { get; private set; }

            private static (IntPtr Read, IntPtr Write) Create(bool childReads)
            {
                var security = new SECURITY_ATTRIBUTES { nLength = Marshal.SizeOf(typeof(SECURITY_ATTRIBUTES)), bInheritHandle = true };
                if (!CreatePipe(out IntPtr read, out IntPtr write, ref security, 0)) throw new Win32Exception();
                SetHandleInformation(childReads ? write : read, HandleFlagInherit, 0);
                return (read, write);
            }

            public void CloseChildEnds()
            {
                foreach (IntPtr h in new[] { ChildStdin, ChildStdout, ChildStderr }) if (h != IntPtr.Zero) CloseHandle(h);
                ChildStdin = ChildStdout = ChildStderr = IntPtr.Zero;
            }

            public Stream TakeStdout() => Take(ref _stdoutRead);
            public Stream TakeStderr() => Take(ref _stderrRead);

            private static Stream Take(ref IntPtr handle)
            {
                var stream = new FileStream(new SafeFileHandle(handle, ownsHandle: true), FileAccess.Read, 4096, isAsync: false);
                handle = IntPtr.Zero;
                return stream;
            }

            public void Dispose()
            {
                CloseChildEnds();
                foreach (IntPtr h in new[] { _stdinWrite, _stdoutRead, _stderrRead }) if (h != IntPtr.Zero) CloseHandle(h);
                _stdinWrite = _stdoutRead = _stderrRead = IntPtr.Zero;
            }
        }

        private const uint CreateSuspendedFlag = 0x00000004;
        private const uint CreateNoWindow = 0x08000000;
        private const uint ExtendedStartupInfoPresent = 0x00080000;
        private const int StartfUseStdHandles = 0x00000100;
        private const int ProcThreadAttributeHandleList = 0x00020002;
        private const uint HandleFlagInherit = 0x00000001;

        [StructLayout(LayoutKind.Sequential)]
        private struct SECURITY_ATTRIBUTES
        {
            public int nLength;
            public IntPtr lpSecurityDescriptor;
            public bool bInheritHandle;
        }

        [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
        private struct STARTUPINFO
        {
            public int cb;
            public string? lpReserved, lpDesktop, lpTitle;
            public int dwX, dwY, dwXSize, dwYSize, dwXCountChars, dwYCountChars, dwFillAttribute, dwFlags;
            public short wShowWindow, cbReserved2;
            public IntPtr lpReserved2, hStdInput, hStdOutput, hStdError;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct STARTUPINFOEX
        {
            public STARTUPINFO StartupInfo;
            public IntPtr lpAttributeList;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct PROCESS_INFORMATION
        {
            public IntPtr hProcess, hThread;
            public int dwProcessId, dwThreadId;
        }

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool CreatePipe(out IntPtr read, out IntPtr write, ref SECURITY_ATTRIBUTES attributes, int size);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool SetHandleInformation(IntPtr handle, uint mask, uint flags);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool InitializeProcThreadAttributeList(IntPtr list, int count, int flags, ref IntPtr size);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool UpdateProcThreadAttribute(IntPtr list, uint flags, IntPtr attribute, IntPtr value, IntPtr size, IntPtr previous, IntPtr returnSize);

        [DllImport("kernel32.dll")]
        private static extern void DeleteProcThreadAttributeList(IntPtr list);

        [DllImport("kernel32.dll", EntryPoint = "CreateProcessW", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern bool CreateProcess(string? application, StringBuilder commandLine, IntPtr processAttributes, IntPtr threadAttributes,
            bool inheritHandles, uint flags, IntPtr environment, string? currentDirectory, ref STARTUPINFOEX startup, out PROCESS_INFORMATION info);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern uint ResumeThread(IntPtr thread);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool GetExitCodeProcess(IntPtr process, out uint exitCode);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool CloseHandle(IntPtr handle);
    }
}
