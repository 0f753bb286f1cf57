using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// lstat and a no-follow, non-blocking open, which netstandard2.0 does not offer. On Unix the stat
    /// calls go through the runtime's own libSystem.Native (SystemNative_LStat/FStat), whose FileStatus
    /// struct is the same on every platform (Mode at offset 4, with the POSIX type bits), so no per-OS
    /// struct layout is needed. Windows looks at attributes and reparse tags instead.
    /// </summary>
    internal static class NativeFiles
    {
        private const int TypeMask = 0xF000, Fifo = 0x1000, CharDevice = 0x2000, Dir = 0x4000, BlockDevice = 0x6000,
            Regular = 0x8000, SymLink = 0xA000, Socket = 0xC000;
        private const int StatusBufferSize = 512; // FileStatus is ~150 bytes; room for fields later runtimes add

        public static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static bool _nativeMissing;

        /// <summary>What is at <paramref name="path"/>, without following a link in its last component.</summary>
        public static EntryKind KindOf(string path)
        {
            if (IsWindows) return WindowsKind(path);
            if (!_nativeMissing)
            {
                try
                {
                    var status = new byte[StatusBufferSize];
                    if (LStat(path, status) == 0) return FromMode(BitConverter.ToInt32(status, 4));
                    int errno = Marshal.GetLastWin32Error();
                    if (errno == ENOENT || errno == ENOTDIR) return EntryKind.Missing;
                    throw new IOException($"cannot look at {path} (errno {errno})");
                }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
                {
                    _nativeMissing = true;
                }
            }
            return ManagedKind(path);
        }

        /// <summary>The owner may execute the file (Unix mode bit 0100), following links; false on Windows or when it cannot be read.</summary>
        public static bool IsExecutable(string path)
        {
            if (IsWindows || _nativeMissing) return false;
            try
            {
                var status = new byte[StatusBufferSize];
                return Stat(path, status) == 0 && (BitConverter.ToInt32(status, 4) & 0x40) != 0;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                return false;
            }
        }

        internal static EntryKind FromMode(int mode) => (mode & TypeMask) switch
        {
            Regular => EntryKind.File,
            Dir => EntryKind.Directory,
            SymLink => EntryKind.Link,
            Fifo or CharDevice or BlockDevice or Socket => EntryKind.Special,
            _ => EntryKind.Special,
        };

        /// <summary>
        /// Opens a regular file for reading without following a link and without blocking on a FIFO
        /// swapped in after the lstat (O_NOFOLLOW | O_NONBLOCK), then checks what was opened (fstat).
        /// </summary>
        public static FileStream OpenRead(string path)
        {
            if (IsWindows || _nativeMissing || !OpenFlags.Known) return PlainOpenRead(path);
            int fd;
            try { fd = Open(path, OpenFlags.ReadNoFollowNonBlock); }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return PlainOpenRead(path); }
            if (fd < 0)
            {
                int errno = Marshal.GetLastWin32Error();
                if (errno == ENOENT || errno == ENOTDIR) throw new FileNotFoundException("no such file", path);
                throw new ShareRefusedException(path, $"could not be opened safely (errno {errno}; a link or special file?)");
            }
            return Checked(fd, path, FileAccess.Read);
        }

        private static FileStream PlainOpenRead(string path) =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        private static EntryKind WindowsKind(string path)
        {
            FileAttributes attributes;
            try { attributes = File.GetAttributes(path); }
            catch (FileNotFoundException) { return EntryKind.Missing; }
            catch (DirectoryNotFoundException) { return EntryKind.Missing; }
            return ReparseTags.Classify(attributes, () => ReparseTags.ReadTag(path));
        }

        /// <summary>Last resort where libSystem.Native is absent: links are seen, FIFOs are not.</summary>
        private static EntryKind ManagedKind(string path)
        {
            var info = new FileInfo(path);
            FileAttributes attributes;
            try { attributes = info.Attributes; }
            catch (FileNotFoundException) { return EntryKind.Missing; }
            catch (DirectoryNotFoundException) { return EntryKind.Missing; }
            if ((int)attributes == -1) return EntryKind.Missing;
            if ((attributes & FileAttributes.ReparsePoint) != 0) return EntryKind.Link;
            return (attributes & FileAttributes.Directory) != 0 ? EntryKind.Directory : EntryKind.File;
        }

        /// <summary>
        /// Opens a file for appending (creating it if missing) without following a link and without
        /// blocking on a FIFO, then checks that what was opened is a regular file.
        /// </summary>
        public static FileStream OpenAppend(string path)
        {
            if (IsWindows || _nativeMissing || !OpenFlags.Known)
                return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            for (int attempt = 0; ; attempt++)
            {
                int fd = Open(path, OpenFlags.AppendNoFollowNonBlock);
                if (fd >= 0) return Checked(fd, path, FileAccess.Write);
                int errno = Marshal.GetLastWin32Error();
                if (errno != ENOENT || attempt > 0) throw new ShareRefusedException(path, $"could not be opened safely for appending (errno {errno}; a link or special file?)");
                // Missing: create it exclusively (O_EXCL never follows a link), then open it as above.
                try { new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete).Dispose(); }
                catch (IOException) when (KindOf(path) == EntryKind.File) { } // created meanwhile by another writer
            }
        }

        private static FileStream Checked(int fd, string path, FileAccess access)
        {
            var handle = new SafeFileHandle(new IntPtr(fd), ownsHandle: true);
            var status = new byte[StatusBufferSize];
            if (FStat(new IntPtr(fd), status) != 0 || FromMode(BitConverter.ToInt32(status, 4)) != EntryKind.File)
            {
                handle.Dispose();
                throw new ShareRefusedException(path, "is not a regular file");
            }
            var stream = new FileStream(handle, access, 4096);
            if (access == FileAccess.Write) stream.Seek(0, SeekOrigin.End);
            return stream;
        }

        /// <summary>The path with every link resolved (realpath); the full path as given when that fails.</summary>
        public static string ResolvePath(string path)
        {
            string full = Path.GetFullPath(path);
            string trimmed = full.Length > 1 ? full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : full;
            if (trimmed.Length == 0 || (IsWindows && trimmed.EndsWith(":", StringComparison.Ordinal))) trimmed = full;
            if (IsWindows) return trimmed;
            try
            {
                IntPtr resolved = RealPath(trimmed, IntPtr.Zero);
                if (resolved == IntPtr.Zero) return trimmed;
                try { return Marshal.PtrToStringAnsi(resolved) ?? trimmed; }
                finally { Free(resolved); }
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException) { return trimmed; }
        }

        [DllImport("libc", EntryPoint = "realpath", SetLastError = true)]
        private static extern IntPtr RealPath(string path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        private static extern void Free(IntPtr pointer);

        private const int ENOENT = 2, ENOTDIR = 20;

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        private static extern int Stat(string path, [Out] byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
        private static extern int LStat(string path, [Out] byte[] status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
        private static extern int FStat(IntPtr fd, [Out] byte[] status);

        // open(2) is variadic; without O_CREAT the mode argument is never read, so two arguments are safe on every ABI.
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int Open(string path, int flags);

        /// <summary>O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC (+ O_WRONLY | O_APPEND), whose values differ between kernels and CPUs.</summary>
        private static class OpenFlags
        {
            public static readonly bool Known;
            public static readonly int ReadNoFollowNonBlock;
            public static readonly int AppendNoFollowNonBlock;

            static OpenFlags()
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    ReadNoFollowNonBlock = 0x0100 | 0x0004 | 0x01000000;
                    AppendNoFollowNonBlock = ReadNoFollowNonBlock | 0x0001 | 0x0008; // O_WRONLY | O_APPEND
                    Known = true;
                }
                else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
                {
                    var arch = RuntimeInformation.ProcessArchitecture;
                    int noFollow = arch == Architecture.Arm64 || arch == Architecture.Arm ? 0x8000 : 0x20000;
                    Known = arch == Architecture.X64 || arch == Architecture.X86 || arch == Architecture.Arm64 || arch == Architecture.Arm;
                    ReadNoFollowNonBlock = noFollow | 0x800 | 0x80000;
                    AppendNoFollowNonBlock = ReadNoFollowNonBlock | 0x1 | 0x400; // O_WRONLY | O_APPEND
                }
            }
        }
    }

    /// <summary>Something in the share that the rules forbid touching: a link, a FIFO, a device, a bad name.</summary>
    public sealed class ShareRefusedException : IOException
    {
        public ShareRefusedException(string path, string why) : base($"{path} {why}; refused (a share entry must be a real folder or regular file)")
        {
            Path = path;
        }

        public string Path { get; }
    }
}
