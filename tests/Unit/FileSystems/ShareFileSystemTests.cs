using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.FileSystems
{
    public class ShareFileSystemTests
    {
        [Fact]
        public void A_local_temp_folder_is_a_local_disk_watched_by_notifications()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("checked against /proc/self/mountinfo: Linux only");
            using var folder = new TempFolder();
            var fs = ShareFileSystem.Detect(folder.Path);
            string? findmnt = FindmntType(folder.Path);
            if (findmnt != null) Assert.Equal(findmnt, fs.TypeName); // util-linux's own answer for the same folder
            Assert.Equal(ShareFileSystemKind.Local, fs.Kind);
            Assert.Equal(ShareWatchMode.Notifications, fs.WatchMode);
            Assert.Null(FolderPoll.For(fs, folder.Path));
        }

        [Fact]
        public void A_folder_that_does_not_exist_yet_is_judged_by_its_nearest_parent()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("Linux only");
            using var folder = new TempFolder();
            Assert.Equal(ShareFileSystem.Detect(folder.Path).TypeName, ShareFileSystem.Detect(folder.Combine("not", "yet")).TypeName);
        }

        [Fact]
        public void Proc_and_tmpfs_are_told_apart_from_the_disk()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("Linux only");
            Assert.Equal("proc", ShareFileSystem.Detect("/proc/self").TypeName);
            if (Directory.Exists("/dev/shm") && FindmntType("/dev/shm") == "tmpfs")
                Assert.Equal(ShareFileSystemKind.Local, ShareFileSystem.Detect("/dev/shm").Kind);
        }

        [Fact]
        public void Statfs_reads_the_magic_number_of_this_machines_file_systems()
        {
            if (!OperatingSystem.IsLinux()) Assert.Skip("Linux only");
            Assert.Equal(0x9FA0L, LinuxMounts.StatFsMagic("/proc")); // PROC_SUPER_MAGIC: proves the struct is read at the right place
            Assert.Equal(0L, LinuxMounts.StatFsMagic("/no/such/folder"));
        }

        [Fact]
        public void Mountinfo_lines_give_the_longest_mount_point_with_escapes_undone()
        {
            const string text =
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n" +
                "40 22 0:39 / /mnt/my\\040share rw,nosuid - fuse.sshfs me@host:/srv rw,user_id=0\n" +
                "41 22 0:40 / /mnt rw - nfs4 server:/export rw,vers=4.2\n" +
                "42 41 0:41 / /mnt/cifs rw master:3 - cifs //server/share rw\n" +
                "garbage line\n";
            var entries = LinuxMounts.Parse(text);
            Assert.Equal(4, entries.Count);
            Assert.Equal("/mnt/my share", entries[1].MountPoint);
            Assert.Equal("fuse.sshfs", LinuxMounts.FindMount(entries, "/mnt/my share/outpost")!.FileSystemType);
            Assert.Equal("nfs4", LinuxMounts.FindMount(entries, "/mnt/my")!.FileSystemType);       // not a prefix match on names
            Assert.Equal("cifs", LinuxMounts.FindMount(entries, "/mnt/cifs")!.FileSystemType);     // optional field "master:3"
            Assert.Equal("ext4", LinuxMounts.FindMount(entries, "/home/x")!.FileSystemType);
        }

        [Theory]
        [InlineData("ext4", ShareFileSystemKind.Local, ShareWatchMode.Notifications)]
        [InlineData("tmpfs", ShareFileSystemKind.Local, ShareWatchMode.Notifications)]
        [InlineData("overlay", ShareFileSystemKind.Local, ShareWatchMode.Notifications)]
        [InlineData("fuseblk", ShareFileSystemKind.Local, ShareWatchMode.Notifications)]
        [InlineData("nfs4", ShareFileSystemKind.Network, ShareWatchMode.DirectoryStamp)]
        [InlineData("nfs", ShareFileSystemKind.Network, ShareWatchMode.DirectoryStamp)]
        [InlineData("cifs", ShareFileSystemKind.Network, ShareWatchMode.Listing)]
        [InlineData("smb3", ShareFileSystemKind.Network, ShareWatchMode.Listing)]
        [InlineData("smbfs", ShareFileSystemKind.Network, ShareWatchMode.Listing)]
        [InlineData("webdav", ShareFileSystemKind.Network, ShareWatchMode.Listing)]
        [InlineData("fuse.sshfs", ShareFileSystemKind.Fuse, ShareWatchMode.DirectoryStamp)]
        [InlineData("fuse.rclone", ShareFileSystemKind.Fuse, ShareWatchMode.Listing)]
        [InlineData("macfuse", ShareFileSystemKind.Fuse, ShareWatchMode.Listing)]
        [InlineData("9p", ShareFileSystemKind.HostShare, ShareWatchMode.Listing)]
        [InlineData("virtiofs", ShareFileSystemKind.HostShare, ShareWatchMode.Listing)]
        [InlineData("something-new", ShareFileSystemKind.Unknown, ShareWatchMode.Listing)]
        public void Each_file_system_gets_the_probe_it_can_be_trusted_with(string name, ShareFileSystemKind kind, ShareWatchMode mode)
        {
            var fs = ShareFileSystem.FromTypeName(name);
            Assert.Equal(kind, fs.Kind);
            Assert.Equal(mode, fs.WatchMode);
            Assert.Equal(mode == ShareWatchMode.Notifications, FolderPoll.For(fs, "/x") == null);
        }

        [Fact]
        public void An_unknown_name_follows_the_systems_local_flag()
        {
            Assert.Equal(ShareFileSystemKind.Local, ShareFileSystem.FromTypeName("lifs", isLocalHint: true).Kind);
            Assert.Equal(ShareFileSystemKind.Network, ShareFileSystem.FromTypeName("lifs", isLocalHint: false).Kind);
        }

        [Fact]
        public void Statfs_magic_numbers_name_the_remote_file_systems()
        {
            Assert.Equal("nfs", LinuxMounts.TypeNameOfMagic(0x6969));
            Assert.Equal("cifs", LinuxMounts.TypeNameOfMagic(0xFF534D42));
            Assert.Equal("smb3", LinuxMounts.TypeNameOfMagic(0xFE534D42));
            Assert.Equal("fuse", LinuxMounts.TypeNameOfMagic(0x65735546));
            Assert.Equal("9p", LinuxMounts.TypeNameOfMagic(0x01021997));
            Assert.Null(LinuxMounts.TypeNameOfMagic(0x12345));
        }

        [Fact]
        public void Darwin_statfs_struct_is_read_at_its_documented_offsets()
        {
            var smb = DarwinBuffer("smbfs", "//user@server/share", local: false);
            var fs = DarwinStatFs.FromBuffer(smb);
            Assert.Equal("smbfs", fs.TypeName);
            Assert.Equal("//user@server/share", fs.Source);
            Assert.Equal(ShareWatchMode.Listing, fs.WatchMode);
            Assert.Equal(ShareFileSystemKind.Local, DarwinStatFs.FromBuffer(DarwinBuffer("apfs", "/dev/disk3s1", local: true)).Kind);
            Assert.Equal(ShareFileSystemKind.Network, DarwinStatFs.FromBuffer(DarwinBuffer("newfs", "x", local: false)).Kind);
        }

        [Fact]
        public void Windows_unc_paths_and_mapped_drives_are_smb_and_keep_the_watcher()
        {
            var unc = WindowsShares.Classify(@"\\server\share\outpost", DriveType.Unknown, "");
            Assert.Equal(ShareFileSystemKind.Network, unc.Kind);
            Assert.Equal(ShareWatchMode.Notifications, unc.WatchMode); // Windows SMB clients do get change notifications
            Assert.Equal(ShareFileSystemKind.Network, WindowsShares.Classify(@"Z:\outpost", DriveType.Network, "NTFS").Kind);
            Assert.True(WindowsShares.IsUncPath(@"\\?\UNC\server\share"));
            Assert.False(WindowsShares.IsUncPath(@"\\?\C:\x"));
            var local = WindowsShares.Classify(@"C:\outpost", DriveType.Fixed, "NTFS");
            Assert.Equal(("ntfs", ShareFileSystemKind.Local), (local.TypeName, local.Kind));
        }

        [Fact]
        public void Dispatch_txt_carries_the_share_fs_as_additive_keys_a_v1_file_lacks()
        {
            var info = new DispatchInfo { ShareFs = "fuse.sshfs", ShareWatch = "dir-stamp" };
            var back = DispatchInfo.Parse(info.ToKeyValues().ToBytes());
            Assert.Equal(("fuse.sshfs", "dir-stamp"), (back.ShareFs, back.ShareWatch));
            var v1 = DispatchInfo.Parse(Encoding.UTF8.GetBytes("protocol_version=1\nlane_count=1\n"));
            Assert.Equal("", v1.ShareFs);
            Assert.DoesNotContain("share_fs", Encoding.UTF8.GetString(new DispatchInfo().ToKeyValues().ToBytes()));
        }

        private static byte[] DarwinBuffer(string type, string from, bool local)
        {
            var buffer = new byte[2168];
            BitConverter.GetBytes(local ? 0x00001000u | 0x1u : 0x1u).CopyTo(buffer, 64);
            Encoding.ASCII.GetBytes(type).CopyTo(buffer, 72);
            Encoding.ASCII.GetBytes("/Volumes/x").CopyTo(buffer, 88);
            Encoding.ASCII.GetBytes(from).CopyTo(buffer, 1112);
            return buffer;
        }

        /// <summary>findmnt's FSTYPE for the folder, or null where util-linux is not installed.</summary>
        internal static string? FindmntType(string path)
        {
            try
            {
                var info = new ProcessStartInfo("findmnt", $"-n -o FSTYPE --target \"{path}\"") { RedirectStandardOutput = true, UseShellExecute = false };
                using var process = Process.Start(info)!;
                string output = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit();
                return process.ExitCode == 0 && output.Length > 0 ? output.Split('\n').Last().Trim() : null;
            }
            catch (System.ComponentModel.Win32Exception) { return null; }
        }
    }
}
