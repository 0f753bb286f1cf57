using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// A folder's modification time asked of the file system itself, not of this kernel's attribute cache.
    /// FUSE keeps attributes for attr_timeout (1 s by default) and NFS for acdirmin..acdirmax (30-60 s),
    /// so a plain stat can show a folder as it was; Linux statx(2) with AT_STATX_FORCE_SYNC makes FUSE and
    /// NFS ask the server. Elsewhere (or on a kernel without statx) this is the ordinary stat.
    /// </summary>
    internal static class FreshStamp
    {
        private const int AtFdCwd = -100;
        private const int AtStatxForceSync = 0x2000;
        private const uint StatxMtime = 0x40;
        // struct statx is 256 bytes on every Linux ABI; stx_mtime (s64 tv_sec, u32 tv_nsec) sits at 112.
        private const int StatxSize = 256;
        private const int MtimeOffset = 112;
        private const int NoSuchSystemCall = 38; // ENOSYS

        private static volatile bool _statxMissing = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>The folder's mtime in ticks (100 ns); an unreadable folder reads as long.MinValue + 1.</summary>
        public static long Read(string folder)
        {
            if (!_statxMissing)
            {
                long? fresh = TryStatx(folder);
                if (fresh.HasValue) return fresh.Value;
            }
            try { return Directory.GetLastWriteTimeUtc(folder).Ticks; } // a missing folder reads as 1601: a change like any other
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException) { return long.MinValue + 1; }
        }

        /// <summary>Seconds and nanoseconds folded into ticks; null when statx is not there (then never asked again).</summary>
        private static long? TryStatx(string folder)
        {
            var buffer = new byte[StatxSize];
            try
            {
                if (NativeStatx(AtFdCwd, folder, AtStatxForceSync, StatxMtime, buffer) != 0)
                {
                    if (Marshal.GetLastWin32Error() != NoSuchSystemCall) return long.MinValue + 1; // missing or unreadable: "changed"
                    _statxMissing = true; // an old kernel
                    return null;
                }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                _statxMissing = true; // glibc before 2.28, or musl without it
                return null;
            }
            long seconds = BitConverter.ToInt64(buffer, MtimeOffset);
            uint nanoseconds = BitConverter.ToUInt32(buffer, MtimeOffset + 8);
            return seconds * TimeSpan.TicksPerSecond + nanoseconds / 100;
        }

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int NativeStatx(int directoryFd, string path, int flags, uint mask, byte[] buffer);
    }
}
