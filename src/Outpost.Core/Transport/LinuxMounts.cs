using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace Outpost.Core.Transport
{
    /// <summary>One line of /proc/self/mountinfo, the parts that say what a folder sits on.</summary>
    public sealed class MountEntry
    {
        public MountEntry(string mountPoint, string fileSystemType, string source)
        {
            MountPoint = mountPoint;
            FileSystemType = fileSystemType;
            Source = source;
        }

        public string MountPoint { get; }
        /// <summary>As the kernel names it, with the FUSE subtype: ext4, nfs4, cifs, fuse.sshfs, fuse.rclone ...</summary>
        public string FileSystemType { get; }
        public string Source { get; }
    }

    /// <summary>
    /// Linux: the mount a folder is under (the longest mount point of /proc/self/mountinfo that contains its
    /// real path), checked against the statfs magic number of the folder itself. mountinfo names FUSE
    /// file systems by subtype (fuse.sshfs), which statfs cannot; statfs follows the folder wherever bind
    /// mounts and symlinks lead, which a path match can get wrong, so a disagreement goes to statfs.
    /// </summary>
    internal static class LinuxMounts
    {
        public static ShareFileSystem Detect(string folder)
        {
            string real = RealPath(folder) ?? folder;
            MountEntry? entry = null;
            try { entry = FindMount(Parse(File.ReadAllText("/proc/self/mountinfo")), real); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            string? magicName = TypeNameOfMagic(StatFsMagic(real));
            if (entry == null) return ShareFileSystem.FromTypeName(magicName ?? "unknown");
            string type = entry.FileSystemType == "fuse" && entry.Source.StartsWith("sshfs#", StringComparison.Ordinal) ? "fuse.sshfs" : entry.FileSystemType;
            var fromMountInfo = ShareFileSystem.FromTypeName(type, entry.Source);
            if (magicName == null) return fromMountInfo;
            var fromMagic = ShareFileSystem.FromTypeName(magicName);
            bool agree = fromMagic.Kind == fromMountInfo.Kind || fromMagic.Kind == ShareFileSystemKind.Unknown;
            return agree ? fromMountInfo : fromMagic;
        }

        /// <summary>The entries of a mountinfo text, in the kernel's order (later entries are mounted over earlier ones).</summary>
        public static List<MountEntry> Parse(string mountInfo)
        {
            var entries = new List<MountEntry>();
            foreach (string line in mountInfo.Split('\n'))
            {
                // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
                string[] fields = line.Split(' ');
                if (fields.Length < 10) continue;
                int dash = Array.IndexOf(fields, "-", 6);
                if (dash < 0 || dash + 2 >= fields.Length) continue;
                entries.Add(new MountEntry(Unescape(fields[4]), Unescape(fields[dash + 1]), Unescape(fields[dash + 2])));
            }
            return entries;
        }

        /// <summary>The mount holding <paramref name="path"/>: the longest containing mount point, the last one on a tie.</summary>
        public static MountEntry? FindMount(IEnumerable<MountEntry> entries, string path)
        {
            MountEntry? best = null;
            foreach (var entry in entries)
            {
                if (!Contains(entry.MountPoint, path)) continue;
                if (best == null || entry.MountPoint.Length >= best.MountPoint.Length) best = entry;
            }
            return best;
        }

        private static bool Contains(string mountPoint, string path)
        {
            if (mountPoint == "/") return path.StartsWith("/", StringComparison.Ordinal);
            string point = mountPoint.TrimEnd('/');
            return path == point || path.StartsWith(point + "/", StringComparison.Ordinal);
        }

        /// <summary>mountinfo writes space, tab, newline and backslash as octal escapes (\040 ...).</summary>
        private static string Unescape(string field)
        {
            if (field.IndexOf('\\') < 0) return field;
            var bytes = new List<byte>();
            for (int i = 0; i < field.Length; i++)
            {
                if (field[i] == '\\' && IsOctal(field, i + 1))
                {
                    bytes.Add((byte)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                    i += 3;
                }
                else bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        private static bool IsOctal(string text, int start)
        {
            if (start + 3 > text.Length) return false;
            for (int i = start; i < start + 3; i++)
                if (text[i] < '0' || text[i] > '7') return false;
            return true;
        }

        /// <summary>statfs' f_type names the file system type by a magic number (linux/magic.h).</summary>
        public static string? TypeNameOfMagic(long magic) => magic switch
        {
            0xEF53 => "ext4",
            0x58465342 => "xfs",
            0x9123683E => "btrfs",
            0x2FC12FC1 => "zfs",
            0x01021994 => "tmpfs",
            0x858458F6 => "ramfs",
            0x794C7630 => "overlay",
            0xF2F52010 => "f2fs",
            0x6969 => "nfs",
            0xFF534D42 => "cifs",
            0xFE534D42 => "smb3",
            0x517B => "smbfs",
            0x65735546 => "fuse",
            0x01021997 => "9p",
            0x786F4256 => "vboxsf",
            0x00C36400 => "ceph",
            0x5346414F => "afs",
            _ => null,
        };

        /// <summary>f_type of statfs(2), or 0 when the call is not available. f_type is the struct's first
        /// field on every Linux ABI, a native long (8 bytes on x86_64 and arm64, 4 on 32-bit).</summary>
        public static long StatFsMagic(string path)
        {
            var buffer = new byte[256]; // struct statfs is 120 bytes on 64-bit Linux: room to spare
            try
            {
                if (NativeStatFs(path, buffer) != 0) return 0;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return 0; }
            return IntPtr.Size == 8 ? BitConverter.ToInt64(buffer, 0) & 0xFFFFFFFFL : BitConverter.ToUInt32(buffer, 0);
        }

        /// <summary>The canonical path (symlinks resolved), or null when realpath fails.</summary>
        public static string? RealPath(string path)
        {
            try
            {
                IntPtr resolved = NativeRealPath(path, IntPtr.Zero);
                if (resolved == IntPtr.Zero) return null;
                try { return Marshal.PtrToStringAnsi(resolved); }
                finally { NativeFree(resolved); }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return null; }
        }

        [DllImport("libc", EntryPoint = "statfs", SetLastError = true)]
        private static extern int NativeStatFs(string path, byte[] buffer);

        [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
        private static extern IntPtr NativeRealPath(string path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        private static extern void NativeFree(IntPtr pointer);
    }
}
