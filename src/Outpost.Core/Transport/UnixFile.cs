using System;
using System.Runtime.InteropServices;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// The few POSIX calls netstandard2.0 does not expose: permission bits for private files and
    /// folders, and lstat-free checks done with <c>readlink</c>. No-ops on Windows.
    /// </summary>
    internal static class UnixFile
    {
        public static bool IsUnix => !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
        private static extern int NativeChmod(string path, uint mode);

        /// <summary>Sets permission bits (e.g. 0600, 0700); best effort, since a share may not keep them.</summary>
        public static void TrySetMode(string path, int mode)
        {
            if (!IsUnix) return;
            try { NativeChmod(path, (uint)mode); }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { }
        }
    }
}
