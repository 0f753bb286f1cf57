using System.IO;
using System.Net.Sockets;
using Outpost.Core.Transport;
using Outpost.Tests.Hostile;
using Outpost.Tests.Support;

namespace Outpost.Tests.Transport
{
    /// <summary>lstat and the no-follow, non-blocking open, on real files of every kind.</summary>
    public class FileKindTests
    {
        [Fact]
        public void Every_kind_of_entry_is_told_apart_without_following_links()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("file"), "x");
            Directory.CreateDirectory(folder.Combine("dir"));
            Plant.Fifo(folder.Combine("fifo"));
            Plant.Link(folder.Combine("link-to-file"), folder.Combine("file"));
            Plant.Link(folder.Combine("link-to-dir"), folder.Combine("dir"));
            File.CreateSymbolicLink(folder.Combine("dangling"), folder.Combine("nowhere"));
            using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                socket.Bind(new UnixDomainSocketEndPoint(folder.Combine("socket")));
                Assert.Equal(EntryKind.Special, NativeFiles.KindOf(folder.Combine("socket")));
            }
            Assert.Equal(EntryKind.File, NativeFiles.KindOf(folder.Combine("file")));
            Assert.Equal(EntryKind.Directory, NativeFiles.KindOf(folder.Combine("dir")));
            Assert.Equal(EntryKind.Special, NativeFiles.KindOf(folder.Combine("fifo")));
            Assert.Equal(EntryKind.Special, NativeFiles.KindOf("/dev/null"));
            Assert.Equal(EntryKind.Link, NativeFiles.KindOf(folder.Combine("link-to-file")));
            Assert.Equal(EntryKind.Link, NativeFiles.KindOf(folder.Combine("link-to-dir")));
            Assert.Equal(EntryKind.Link, NativeFiles.KindOf(folder.Combine("dangling")));
            Assert.Equal(EntryKind.Missing, NativeFiles.KindOf(folder.Combine("missing")));
            Assert.Equal(EntryKind.Missing, NativeFiles.KindOf(folder.Combine("file", "under-a-file")));
        }

        [Fact]
        public void Opening_refuses_a_fifo_and_a_link_without_blocking()
        {
            using var folder = new TempFolder();
            File.WriteAllText(folder.Combine("file"), "content");
            Plant.Fifo(folder.Combine("fifo"));
            Plant.Link(folder.Combine("link"), folder.Combine("file"));
            using (var stream = NativeFiles.OpenRead(folder.Combine("file"))) Assert.Equal(7, stream.Length);
            // Even called directly (as after a swap that raced the lstat), the open does not block.
            Plant.WithinSeconds(5, () => Assert.Throws<ShareRefusedException>(() => NativeFiles.OpenRead(folder.Combine("fifo"))));
            Assert.Throws<ShareRefusedException>(() => NativeFiles.OpenRead(folder.Combine("link")));
            Plant.WithinSeconds(5, () => Assert.Throws<ShareRefusedException>(() => NativeFiles.OpenAppend(folder.Combine("fifo"))));
            Assert.Throws<ShareRefusedException>(() => NativeFiles.OpenAppend(folder.Combine("link")));
            Assert.Equal("content", File.ReadAllText(folder.Combine("file")));
            using (var log = NativeFiles.OpenAppend(folder.Combine("new.log"))) log.Write(new byte[] { 65 });
            using (var log = NativeFiles.OpenAppend(folder.Combine("new.log"))) log.Write(new byte[] { 66 });
            Assert.Equal("AB", File.ReadAllText(folder.Combine("new.log")));
        }

        [Fact]
        public void The_resolved_share_path_is_the_same_however_it_is_spelt()
        {
            using var folder = new TempFolder();
            Directory.CreateDirectory(folder.Combine("share"));
            Plant.Link(folder.Combine("alias"), folder.Combine("share"));
            string canonical = NativeFiles.ResolvePath(folder.Combine("share"));
            Assert.Equal(canonical, NativeFiles.ResolvePath(folder.Combine("share") + "/"));
            Assert.Equal(canonical, NativeFiles.ResolvePath(folder.Combine("share") + "//"));
            Assert.Equal(canonical, NativeFiles.ResolvePath(folder.Combine("alias")));
            Assert.Equal(canonical, NativeFiles.ResolvePath(folder.Combine("share", "..", "share")));
        }

        [Theory]
        [InlineData(0xA000000Cu, EntryKind.Link)]     // IO_REPARSE_TAG_SYMLINK
        [InlineData(0xA0000003u, EntryKind.Link)]     // IO_REPARSE_TAG_MOUNT_POINT (junction)
        [InlineData(0x9000001Au, EntryKind.File)]     // IO_REPARSE_TAG_CLOUD (OneDrive placeholder)
        [InlineData(0x9000601Au, EntryKind.File)]     // IO_REPARSE_TAG_CLOUD_6 (a cloud provider variant)
        [InlineData(0x80000023u, EntryKind.File)]     // IO_REPARSE_TAG_APPEXECLINK is not a folder link either
        [InlineData(0x8000001Bu, EntryKind.File)]     // IO_REPARSE_TAG_WCI (container layering)
        public void Windows_refuses_only_symlink_and_mount_point_reparse_tags(uint tag, EntryKind expected)
        {
            Assert.Equal(expected, ReparseTags.Classify(FileAttributes.ReparsePoint | FileAttributes.Archive, () => tag));
            var folderExpected = expected == EntryKind.File ? EntryKind.Directory : expected;
            Assert.Equal(folderExpected, ReparseTags.Classify(FileAttributes.ReparsePoint | FileAttributes.Directory, () => tag));
        }

        [Fact]
        public void Windows_treats_an_unreadable_tag_as_a_link_and_a_plain_entry_without_asking()
        {
            Assert.Equal(EntryKind.Link, ReparseTags.Classify(FileAttributes.ReparsePoint, () => null));
            Assert.Equal(EntryKind.File, ReparseTags.Classify(FileAttributes.Normal, () => throw new InvalidOperationException("not asked")));
            Assert.Equal(EntryKind.Special, ReparseTags.Classify(FileAttributes.Device, () => null));
        }

        [Theory]
        [InlineData("20261121_215348_772161-sh.sh", true)]
        [InlineData("status.txt", true)]
        [InlineData("..", false)]
        [InlineData(".", false)]
        [InlineData("", false)]
        [InlineData("a/b", false)]
        [InlineData("a\\b", false)]
        [InlineData("C:x", false)]
        [InlineData("x\ny", false)]
        [InlineData("x\u0085y", false)]
        [InlineData("x\0y", false)]
        public void Only_plain_names_become_share_addresses(string name, bool safe)
        {
            Assert.Equal(safe, ShareAddress.IsSafeName(name));
            if (!safe) Assert.Throws<ArgumentException>(() => ShareAddress.In(ShareArea.Outbox, 1, name));
        }
    }
}
