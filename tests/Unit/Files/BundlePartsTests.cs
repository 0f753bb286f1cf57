using System;
using System.IO;
using System.Linq;
using Outpost.Core.Files;
using Outpost.Core.Transport;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.Files
{
    /// <summary>
    /// Bundles of many parts on a real folder: a part is flushed and published while the next is written,
    /// blocks are hashed while they are written, and neither may publish anything incomplete or unchecked.
    /// </summary>
    public class BundlePartsTests
    {
        private const long PartBytes = 1024 * 1024;

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Files_across_many_parts_arrive_whole_and_every_part_is_at_its_stated_size(bool compress)
        {
            using var folder = new TempFolder();
            var (share, manifestAddress) = Share(folder);
            string src = folder.Combine("src");
            Directory.CreateDirectory(src);
            WriteRandom(Path.Combine(src, "big.bin"), 3 * PartBytes + 12345, 1);
            WriteRandom(Path.Combine(src, "small.txt"), 100, 2);
            WriteRandom(Path.Combine(src, "mid.bin"), PartBytes / 2 + 7, 3);

            byte[] manifestBytes = new BundleWriter(share, manifestAddress, compress, PartBytes)
                .Write(BundleItem.FromLocalPaths(new[] { src }), new BundleManifest());

            var reader = new BundleReader(share, manifestAddress);
            var manifest = reader.ReadManifest(Outpost.Core.Trust.JobSignature.Sha256Hex(manifestBytes));
            Assert.Equal(4, manifest.Parts.Count); // 3.5 MiB cut before compression into 1 MiB parts
            for (int i = 0; i < manifest.Parts.Count; i++)
                Assert.Equal(manifest.Parts[i], new FileInfo(folder.Combine("share", "inbox", "1", $"job.sh.files.{i + 1}")).Length);
            Assert.DoesNotContain(Directory.GetFiles(folder.Combine("share", "inbox", "1")), f => Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal));
            Assert.True(reader.PartsArePresent(manifest));

            string home = folder.Combine("home");
            reader.Unpack(manifest, home, overwrite: false);
            foreach (string name in new[] { "big.bin", "small.txt", "mid.bin" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(src, name)), File.ReadAllBytes(Path.Combine(home, "src", name)));
        }

        [Fact]
        public void A_failure_after_parts_were_published_leaves_nothing_in_the_share()
        {
            using var folder = new TempFolder();
            var (share, manifestAddress) = Share(folder);
            WriteRandom(folder.Combine("big.bin"), 2 * PartBytes + 5, 4);
            var items = BundleItem.FromLocalPaths(new[] { folder.Combine("big.bin") }).ToList();
            items.Add(new BundleItem(folder.Combine("gone.bin"), "gone.bin", false, 10)); // vanished after it was listed

            var e = Assert.Throws<BundleException>(() => new BundleWriter(share, manifestAddress, false, PartBytes).Write(items, new BundleManifest()));

            Assert.Equal(BundleFailure.Local, e.Failure);
            Assert.Empty(Directory.GetFileSystemEntries(folder.Combine("share", "inbox", "1")));
        }

        [Fact]
        public void A_changed_middle_part_fails_the_unpack_and_the_file_never_takes_its_name()
        {
            using var folder = new TempFolder();
            var (share, manifestAddress) = Share(folder);
            WriteRandom(folder.Combine("big.bin"), 3 * PartBytes, 5);
            byte[] manifestBytes = new BundleWriter(share, manifestAddress, false, PartBytes)
                .Write(BundleItem.FromLocalPaths(new[] { folder.Combine("big.bin") }), new BundleManifest());
            string part2 = folder.Combine("share", "inbox", "1", "job.sh.files.2");
            byte[] changed = File.ReadAllBytes(part2);
            changed[changed.Length / 2] ^= 0xff;
            File.WriteAllBytes(part2, changed);

            var reader = new BundleReader(share, manifestAddress);
            string home = folder.Combine("home");
            var e = Assert.Throws<BundleException>(() => reader.Unpack(reader.ReadManifest(Outpost.Core.Trust.JobSignature.Sha256Hex(manifestBytes)), home, overwrite: false));

            Assert.Equal(BundleFailure.Damaged, e.Failure);
            Assert.Empty(Directory.GetFileSystemEntries(home)); // neither big.bin nor its partial
        }

        private static (FileShareTransport Share, ShareAddress Manifest) Share(TempFolder folder)
        {
            Directory.CreateDirectory(folder.Combine("share", "inbox", "1"));
            return (new FileShareTransport(folder.Combine("share")), ShareAddress.In(ShareArea.Inbox, 1, "job.sh.files"));
        }

        private static void WriteRandom(string path, long size, int seed)
        {
            var bytes = new byte[size];
            new Random(seed).NextBytes(bytes);
            File.WriteAllBytes(path, bytes);
        }
    }
}
