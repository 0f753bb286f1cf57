using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Outpost.Core.Transport
{
    /// <summary>Tells the share's "out of room" failures apart from the rest, by the error code the OS gave.</summary>
    public static class ShareErrors
    {
        // Windows: ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL, ERROR_DISK_QUOTA_EXCEEDED.
        private static readonly int[] WindowsCodes = { 39, 112, 1295 };
        // errno: ENOSPC everywhere; EDQUOT is 122 on Linux, 69 on macOS and the BSDs.
        private static readonly int[] LinuxCodes = { 28, 122 };
        private static readonly int[] DarwinCodes = { 28, 69 };

        public static bool IsOutOfSpace(Exception e)
        {
            if (!(e is IOException)) return false;
            int code = e.HResult & 0xFFFF;
            int[] codes = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? WindowsCodes
                : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? LinuxCodes : DarwinCodes;
            return Array.IndexOf(codes, code) >= 0 || e.HResult == unchecked((int)0x80070070);
        }

        /// <summary>The OS's reason without the temp file's path .NET appends (" : '/share/x.tmp'"), for a result a user reads.</summary>
        public static string Describe(Exception e)
        {
            string message = e.Message.Trim();
            int path = message.IndexOf(" : '", StringComparison.Ordinal);
            return path > 0 ? message.Substring(0, path) : message;
        }
    }
}
