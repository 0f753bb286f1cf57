using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// macOS: statfs(2) names the file system (f_fstypename: apfs, smbfs, nfs, webdav, afpfs, macfuse ...)
    /// and flags local ones (MNT_LOCAL). Written against the 64-bit-inode struct of &lt;sys/mount.h&gt;;
    /// not run on a Mac by this project's tests (unproven there).
    /// </summary>
    internal static class DarwinStatFs
    {
        // struct statfs (64-bit inodes): f_flags at 64, f_fstypename[16] at 72, f_mntonname[1024] at 88,
        // f_mntfromname[1024] at 1112, 2168 bytes in all.
        private const int FlagsOffset = 64;
        private const int TypeNameOffset = 72;
        private const int TypeNameLength = 16;
        private const int MountFromOffset = 1112;
        private const int PathLength = 1024;
        private const int StructSize = 2168;
        private const uint MntLocal = 0x00001000;

        public static ShareFileSystem Detect(string folder)
        {
            var buffer = new byte[StructSize + 64];
            int rc = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? StatFsInode64(folder, buffer) : StatFs(folder, buffer);
            if (rc != 0) return ShareFileSystem.FromTypeName("unknown");
            return FromBuffer(buffer);
        }

        /// <summary>The struct's fields that matter here, read from its bytes (a seam for tests).</summary>
        public static ShareFileSystem FromBuffer(byte[] buffer)
        {
            uint flags = BitConverter.ToUInt32(buffer, FlagsOffset);
            string type = CString(buffer, TypeNameOffset, TypeNameLength);
            string from = CString(buffer, MountFromOffset, PathLength);
            return ShareFileSystem.FromTypeName(type, from, (flags & MntLocal) != 0);
        }

        private static string CString(byte[] buffer, int offset, int length)
        {
            int end = offset;
            while (end < offset + length && buffer[end] != 0) end++;
            return Encoding.UTF8.GetString(buffer, offset, end - offset);
        }

        // Intel Macs keep the 32-bit-inode statfs under the plain name; the 64-bit-inode one is statfs$INODE64.
        [DllImport("libc", EntryPoint = "statfs$INODE64", SetLastError = true)]
        private static extern int StatFsInode64(string path, byte[] buffer);

        [DllImport("libc", EntryPoint = "statfs", SetLastError = true)]
        private static extern int StatFs(string path, byte[] buffer);
    }
}
