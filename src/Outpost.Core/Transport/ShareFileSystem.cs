using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Outpost.Core.Transport
{
    /// <summary>Where a share's bytes live, as far as change notifications are concerned.</summary>
    public enum ShareFileSystemKind
    {
        /// <summary>Could not be told; treated like a network file system (polled).</summary>
        Unknown,
        /// <summary>A disk (or tmpfs, overlay) of this host: every writer is local, notifications see them all.</summary>
        Local,
        /// <summary>A network file system (NFS, SMB/CIFS, WebDAV, ...): writes on the other host raise no event here.</summary>
        Network,
        /// <summary>A FUSE file system (sshfs, rclone, ...): the kernel never hears about writes made behind it.</summary>
        Fuse,
        /// <summary>A folder shared into a VM or container by its host (9p, virtiofs, vboxsf): the host's writes raise no event.</summary>
        HostShare,
    }

    /// <summary>How a responder lane (or a waiting submitter) learns that a folder changed.</summary>
    public enum ShareWatchMode
    {
        /// <summary>File-system notifications, with the slow safety poll behind them (local disks, Windows SMB).</summary>
        Notifications,
        /// <summary>One stat of the folder per probe: its modification time changes when an entry is added or renamed.</summary>
        DirectoryStamp,
        /// <summary>A listing of the folder per probe, where folder times cannot be trusted to change or to be fresh.</summary>
        Listing,
    }

    /// <summary>
    /// The file system a share sits on and the cheapest reliable way to notice a new file on it. Change
    /// notifications only report writes made through this host's kernel, so on a network or FUSE mount a
    /// job written by the other host is only ever found by looking; this type decides how to look.
    /// </summary>
    public sealed class ShareFileSystem
    {
        /// <summary>How often a polled share is looked at: half of it is the mean pickup delay.</summary>
        public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

        public ShareFileSystem(string typeName, ShareFileSystemKind kind, ShareWatchMode mode, string source = "")
        {
            TypeName = typeName;
            Kind = kind;
            WatchMode = mode;
            Source = source;
        }

        /// <summary>The file system's own name: ext4, nfs4, cifs, fuse.sshfs, smbfs, NTFS ...; "unknown" when not found.</summary>
        public string TypeName { get; }
        public ShareFileSystemKind Kind { get; }
        public ShareWatchMode WatchMode { get; }
        /// <summary>What is mounted (server:/export, //server/share, user@host:/path), where known.</summary>
        public string Source { get; }

        /// <summary>False where writes from another host are only found by probing.</summary>
        public bool NotificationsSeeAllWriters => WatchMode == ShareWatchMode.Notifications;

        /// <summary>The wire spelling of <see cref="WatchMode"/> (the share_watch key of dispatch.txt).</summary>
        public string WatchName => WatchModeName(WatchMode);

        public static string WatchModeName(ShareWatchMode mode) => mode switch
        {
            ShareWatchMode.DirectoryStamp => "dir-stamp",
            ShareWatchMode.Listing => "listing",
            _ => "notifications",
        };

        /// <summary>For people: "fuse.sshfs (fuse, polled by folder stamp every 100 ms)".</summary>
        public string Describe() => $"{TypeName} ({KindName(Kind)}, {DescribeWatch(WatchMode)})";

        public static string DescribeWatch(ShareWatchMode mode) => mode switch
        {
            ShareWatchMode.DirectoryStamp => $"polled by folder stamp every {ProbeInterval.TotalMilliseconds:0} ms",
            ShareWatchMode.Listing => $"polled by listing every {ProbeInterval.TotalMilliseconds:0} ms",
            _ => "change notifications",
        };

        public static string KindName(ShareFileSystemKind kind) => kind switch
        {
            ShareFileSystemKind.HostShare => "host-share",
            _ => kind.ToString().ToLowerInvariant(),
        };

        public override string ToString() => Describe();

        /// <summary>What the folder (or its nearest existing parent) sits on. Never throws: "unknown" and polled when unsure.</summary>
        public static ShareFileSystem Detect(string path)
        {
            try
            {
                string full = NearestExisting(Path.GetFullPath(path));
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return WindowsShares.Detect(full);
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return DarwinStatFs.Detect(full);
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return LinuxMounts.Detect(full);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException ||
                                      e is NotSupportedException || e is DllNotFoundException || e is EntryPointNotFoundException)
            {
                // Fall through: polling is right for anything we cannot name.
            }
            return FromTypeName("unknown");
        }

        private static string NearestExisting(string full)
        {
            string? current = full;
            while (current != null && !Directory.Exists(current)) current = Path.GetDirectoryName(current);
            return current ?? full;
        }

        /// <summary>
        /// Classifies a file-system type name as Linux (mountinfo, with fuse.* subtypes) or macOS
        /// (f_fstypename) spell it, and picks the probe. <paramref name="isLocalHint"/> is the OS's own
        /// "local" flag where it has one (macOS MNT_LOCAL), used for names this table does not know.
        /// </summary>
        public static ShareFileSystem FromTypeName(string typeName, string source = "", bool? isLocalHint = null)
        {
            string name = (typeName ?? "").Trim().ToLowerInvariant();
            if (name.Length == 0) name = "unknown";
            ShareFileSystemKind kind = ClassifyName(name);
            if (kind == ShareFileSystemKind.Unknown && isLocalHint.HasValue)
                kind = isLocalHint.Value ? ShareFileSystemKind.Local : ShareFileSystemKind.Network;
            return new ShareFileSystem(name, kind, ChooseMode(name, kind), source);
        }

        private static ShareFileSystemKind ClassifyName(string name)
        {
            // fuseblk is a local block device driven by a FUSE driver (ntfs-3g, exfat-fuse): every writer is on this host.
            if (name == "fuseblk" || name.StartsWith("fuseblk.", StringComparison.Ordinal)) return ShareFileSystemKind.Local;
            if (name == "fuse" || name.StartsWith("fuse.", StringComparison.Ordinal) || name == "macfuse" || name == "osxfuse" ||
                name == "osxfusefs" || name == "fusefs" || name.StartsWith("fusefs.", StringComparison.Ordinal))
                return ShareFileSystemKind.Fuse;
            switch (name)
            {
                case "nfs": case "nfs4": case "cifs": case "smb3": case "smbfs": case "smb2": case "ncpfs": case "afs":
                case "ceph": case "glusterfs": case "lustre": case "gpfs": case "beegfs": case "orangefs": case "davfs":
                case "webdav": case "afpfs": case "coda": case "ocfs2": case "gfs2":
                    return ShareFileSystemKind.Network;
                case "9p": case "virtiofs": case "vboxsf": case "vmhgfs": case "prl_fs": case "drvfs":
                    return ShareFileSystemKind.HostShare;
                case "ext2": case "ext3": case "ext4": case "xfs": case "btrfs": case "zfs": case "tmpfs": case "ramfs":
                case "overlay": case "overlayfs": case "f2fs": case "vfat": case "msdos": case "exfat": case "ntfs": case "ntfs3":
                case "apfs": case "hfs": case "hfsplus": case "jfs": case "reiserfs": case "bcachefs": case "nilfs2":
                case "udf": case "iso9660": case "devfs": case "refs": case "fat32": case "fat": case "squashfs":
                    return ShareFileSystemKind.Local;
                default:
                    return ShareFileSystemKind.Unknown;
            }
        }

        private static ShareWatchMode ChooseMode(string name, ShareFileSystemKind kind)
        {
            if (kind == ShareFileSystemKind.Local) return ShareWatchMode.Notifications;
            switch (name)
            {
                // The folder's attributes come fresh from the server (sshfs with dir_cache=no; NFS within its
                // attribute cache, which governs listings just the same), so one stat answers "anything new?".
                case "nfs": case "nfs4": case "fuse.sshfs":
                    return ShareWatchMode.DirectoryStamp;
                // Everything else lists: the Linux SMB client caches folder attributes for actimeo (1 s) but asks
                // the server for every listing; object-store FUSE file systems (rclone, s3fs, gcsfuse) and host
                // shares do not keep folder times reliably.
                default:
                    return ShareWatchMode.Listing;
            }
        }
    }
}
