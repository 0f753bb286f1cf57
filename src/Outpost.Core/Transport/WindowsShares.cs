using System;
using System.IO;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// Windows: a UNC path (\\server\share) or a drive mapped to one is SMB. Windows SMB clients get change
    /// notifications from the server (SMB2 CHANGE_NOTIFY), so the watcher stays in charge there, with the
    /// usual safety poll behind it. Not run on Windows by this project's tests (unproven there).
    /// </summary>
    internal static class WindowsShares
    {
        public static ShareFileSystem Detect(string folder)
        {
            if (IsUncPath(folder)) return Smb(folder);
            string? root = Path.GetPathRoot(folder);
            if (string.IsNullOrEmpty(root)) return ShareFileSystem.FromTypeName("unknown");
            var drive = new DriveInfo(root);
            string format = "";
            try { format = drive.DriveFormat; }
            catch (IOException) { } // a disconnected mapped drive
            return Classify(folder, drive.DriveType, format);
        }

        /// <summary>The decision, apart from the calls that only work on Windows (a seam for tests).</summary>
        public static ShareFileSystem Classify(string folder, DriveType driveType, string driveFormat)
        {
            if (IsUncPath(folder) || driveType == DriveType.Network) return Smb(folder);
            string name = driveFormat.Length > 0 ? driveFormat : "unknown";
            // Local disks by drive type; the name table would not know every Windows format (ReFS, CDFS ...).
            var kind = driveType == DriveType.Fixed || driveType == DriveType.Removable || driveType == DriveType.Ram ||
                       driveType == DriveType.CDRom ? ShareFileSystemKind.Local : ShareFileSystemKind.Unknown;
            return new ShareFileSystem(name.ToLowerInvariant(), kind,
                kind == ShareFileSystemKind.Local ? ShareWatchMode.Notifications : ShareWatchMode.Listing);
        }

        public static bool IsUncPath(string path) =>
            path.StartsWith(@"\\", StringComparison.Ordinal) && !path.StartsWith(@"\\?\", StringComparison.Ordinal) &&
            !path.StartsWith(@"\\.\", StringComparison.Ordinal) ||
            path.StartsWith(@"\\?\UNC\", StringComparison.OrdinalIgnoreCase);

        private static ShareFileSystem Smb(string folder) =>
            new ShareFileSystem("smb", ShareFileSystemKind.Network, ShareWatchMode.Notifications, IsUncPath(folder) ? folder : "");
    }
}
