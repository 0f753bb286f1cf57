using System;
using System.Runtime.InteropServices;

namespace Outpost.Core.Dispatch
{
    /// <summary>What a job's processes are contained in, so one call can end them all.</summary>
    internal interface IJobContainer : IDisposable
    {
        /// <summary>Whether the job's process is in the container; null until an assignment was tried.</summary>
        bool? Assigned { get; }
        /// <summary>Why the assignment failed, or null.</summary>
        string? AssignError { get; }
        bool Terminate();
    }

    /// <summary>A Windows Job Object with kill-on-close: terminating it ends every process in the job.</summary>
    internal sealed class WindowsJobObject : IJobContainer
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

        public bool? Assigned { get; private set; }
        public string? AssignError { get; private set; }

        /// <summary>
        /// Puts the process in the job; the result is kept, since terminating a job the process never joined
        /// succeeds and kills nothing. Fails, for example, inside another job that forbids breakaway on
        /// Windows 7 / Server 2008 R2, where jobs do not nest.
        /// </summary>
        // Nested jobs arrived with Windows 8: https://learn.microsoft.com/windows/win32/procthread/nested-jobs
        public bool Assign(IntPtr processHandle)
        {
            bool ok = AssignProcessToJobObject(_handle, processHandle);
            Assigned = ok;
            AssignError = ok ? null : $"AssignProcessToJobObject failed with Windows error {Marshal.GetLastWin32Error()}";
            return ok;
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
