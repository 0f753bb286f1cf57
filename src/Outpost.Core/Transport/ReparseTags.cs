using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// Windows: which reparse points are links. OneDrive and newer Dropbox placeholders carry the
    /// reparse-point attribute too (cloud-file tags), and they are regular files that must keep working;
    /// only the symlink and mount-point (junction) tags redirect a path elsewhere.
    /// </summary>
    public static class ReparseTags
    {
        public const uint MountPoint = 0xA0000003;
        public const uint Symlink = 0xA000000C;

        public static bool IsLink(uint tag) => tag == Symlink || tag == MountPoint;

        /// <summary>
        /// Classifies a Windows entry from its attributes; <paramref name="readTag"/> is asked only for a
        /// reparse point (a seam so the rule is tested where Windows cannot run).
        /// </summary>
        public static EntryKind Classify(FileAttributes attributes, Func<uint?> readTag)
        {
            if ((attributes & FileAttributes.ReparsePoint) != 0)
            {
                uint? tag = readTag();
                // A tag we cannot read is treated as a link: refusing a file is safe, following a link is not.
                if (tag is null || IsLink(tag.Value)) return EntryKind.Link;
            }
            if ((attributes & FileAttributes.Device) != 0) return EntryKind.Special;
            return (attributes & FileAttributes.Directory) != 0 ? EntryKind.Directory : EntryKind.File;
        }

        /// <summary>The reparse tag of a path, or null when it cannot be read.</summary>
        internal static uint? ReadTag(string path)
        {
            // https://learn.microsoft.com/windows/win32/api/minwinbase/ns-minwinbase-win32_find_dataw (dwReserved0 holds the reparse tag)
            IntPtr handle = FindFirstFileW(path, out FindData data);
            if (handle == InvalidHandle) return null;
            FindClose(handle);
            return data.Reserved0;
        }

        private static readonly IntPtr InvalidHandle = new IntPtr(-1);

        [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
        private struct FindData
        {
            public uint Attributes;
            // Three FILETIMEs as DWORD pairs: FILETIME is 4-byte aligned, a long would shift every later field.
            public uint CreationLow, CreationHigh, AccessLow, AccessHigh, WriteLow, WriteHigh;
            public uint SizeHigh, SizeLow, Reserved0, Reserved1;
            [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 260)] public string FileName;
            [MarshalAs(UnmanagedType.ByValTStr, SizeConst = 14)] public string AlternateName;
        }

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr FindFirstFileW(string fileName, out FindData data);

        [DllImport("kernel32.dll", SetLastError = true)]
        private static extern bool FindClose(IntPtr handle);
    }
}
