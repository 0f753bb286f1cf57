using System;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Files;
using Outpost.Core.Transport;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.Files
{
    public class BundleFormatTests
    {
        [Theory]
        [InlineData("*.log", "a.log", true)]
        [InlineData("*.log", "sub/a.log", false)]
        [InlineData("**/*.log", "a.log", true)]
        [InlineData("**/*.log", "x/y/a.log", true)]
        [InlineData("out/**", "out/a/b.txt", true)]
        [InlineData("out/**", "outside/a.txt", false)]
        [InlineData("./out/?.txt", "out/a.txt", true)]
        [InlineData("out\\*.txt", "out/a.txt", true)]
        [InlineData("a[1].txt", "a[1].txt", true)]
        [InlineData("a.txt", "aXtxt", false)]
        public void Globs_match_as_a_shell_would(string pattern, string path, bool matches) =>
            Assert.Equal(matches, new Glob(pattern).IsMatch(path));

        [Theory]
        [InlineData("")]
        [InlineData("/etc/passwd")]
        [InlineData("../x")]
        [InlineData("a//b")]
        [InlineData("C:/x")]
        public void Patterns_outside_the_jobs_folder_are_refused(string pattern) => Assert.NotNull(Glob.Check(pattern));

        [Theory]
        [InlineData("a/../b", false)]
        [InlineData("/abs", false)]
        [InlineData("a/./b", false)]
        [InlineData("a//b", false)]
        [InlineData("new\nline", false)]
        [InlineData("ok/name é.txt", true)]
        [InlineData("back\\slash", true)]
        public void Bundle_paths_from_the_share_are_checked(string path, bool safe) =>
            Assert.Equal(safe, BundlePath.Check(path, windows: false) is null);

        [Theory]
        [InlineData("con.txt")]
        [InlineData("a/NUL")]
        [InlineData("a:b")]
        [InlineData("trailing.")]
        [InlineData("back\\slash")]
        public void Names_Windows_cannot_hold_are_refused_there(string path) => Assert.NotNull(BundlePath.Check(path, windows: true));

        [Theory]
        [InlineData(" leading and trailing ")]
        [InlineData("100% sure %41")]
        [InlineData("plain/path.txt")]
        public void Paths_survive_the_key_value_format(string path)
        {
            var manifest = new BundleManifest();
            manifest.Entries.Add(new BundleEntry { Path = path, IsFolder = true });
            Assert.Equal(path, BundleManifest.Parse(manifest.ToKeyValues().ToBytes()).Entries.Single().Path);
        }

        [Theory]
        [InlineData("format=other\n")]
        [InlineData("format=outpost-files-v1\ncompression=zstd\npart_bytes=1\nparts=0\nentries=0\ncollect=0\n")]
        [InlineData("format=outpost-files-v1\ncompression=none\npart_bytes=1\nparts=0\nentries=1\nentry.1.path=a\nentry.1.kind=file\nentry.1.bytes=-1\nentry.1.sha256=00\ncollect=0\n")]
        [InlineData("format=outpost-files-v1\ncompression=none\npart_bytes=1\nparts=0\nentries=2000000\ncollect=0\n")]
        [InlineData("format=outpost-files-v1\ncompression=none\npart_bytes=1\nparts=1\npart.1.bytes=9\nentries=0\ncollect=0\n")]
        [InlineData("format=outpost-files-v1\ncompression=none\npart_bytes=1\nparts=0\nentries=2\nentry.1.path=a\nentry.1.kind=folder\nentry.2.path=a\nentry.2.kind=folder\ncollect=0\n")]
        [InlineData("format=outpost-files-v1\ncompression=none\npart_bytes=1\nparts=0\nentries=0\ncollect=1\ncollect.1=../up\n")]
        public void Malformed_manifests_are_refused(string text) =>
            Assert.Throws<FormatException>(() => BundleManifest.Parse(Encoding.UTF8.GetBytes(text)));

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void A_bundle_cut_into_small_parts_unpacks_whole_compressed_or_not(bool compress)
        {
            using var folder = new TempFolder();
            var share = new FileShareTransport(folder.Combine("share"));
            share.PrepareLayout(1);
            string source = folder.Combine("src");
            Directory.CreateDirectory(Path.Combine(source, "deep", "er"));
            var random = new Random(7);
            for (int i = 0; i < 20; i++)
            {
                var bytes = new byte[random.Next(0, 50_000)];
                random.NextBytes(bytes);
                File.WriteAllBytes(Path.Combine(source, i % 2 == 0 ? "deep" : "deep/er", $"f{i}.bin"), bytes);
            }
            var address = ShareAddress.In(ShareArea.Inbox, 1, "20260101_000000_000000-t.sh.files");
            byte[] manifestBytes = new BundleWriter(share, address, compress, partBytes: 7_000).Write(BundleItem.FromLocalPaths(new[] { source }), new BundleManifest());
            var reader = new BundleReader(share, address);
            var manifest = reader.ReadManifest(Outpost.Core.Trust.JobSignature.Sha256Hex(manifestBytes));
            Assert.True(manifest.Parts.Count > 10);
            Assert.True(reader.PartsArePresent(manifest));
            var written = reader.Unpack(manifest, folder.Combine("out"), overwrite: false);
            Assert.Equal(20, written.Count);
            foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
                Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(folder.Combine("out"), "src", Path.GetRelativePath(source, file))));
            Assert.Empty(Directory.GetFiles(folder.Combine("out"), "*.outpost-partial", SearchOption.AllDirectories));
        }

        [Fact]
        public void A_short_part_fails_the_unpack_and_leaves_no_file_under_its_name()
        {
            using var folder = new TempFolder();
            var share = new FileShareTransport(folder.Combine("share"));
            share.PrepareLayout(1);
            File.WriteAllBytes(folder.Combine("one.bin"), new byte[10_000]);
            var address = ShareAddress.In(ShareArea.Inbox, 1, "20260101_000000_000000-t.sh.files");
            byte[] manifestBytes = new BundleWriter(share, address).Write(BundleItem.FromLocalPaths(new[] { folder.Combine("one.bin") }), new BundleManifest());
            string part = Path.Combine(folder.Combine("share"), "inbox", "1", address.Name + ".1");
            File.WriteAllBytes(part, new byte[5_000]); // a transfer cut short
            var reader = new BundleReader(share, address);
            var manifest = reader.ReadManifest(Outpost.Core.Trust.JobSignature.Sha256Hex(manifestBytes));
            Assert.False(reader.PartsArePresent(manifest));
            var e = Assert.Throws<BundleException>(() => reader.Unpack(manifest, folder.Combine("out"), overwrite: false));
            Assert.Equal(BundleFailure.Damaged, e.Failure);
            Assert.Empty(Directory.GetFiles(folder.Combine("out")));
        }

        [Fact]
        public void A_cancelled_submit_leaves_nothing_in_the_share()
        {
            using var folder = new TempFolder();
            string share = folder.Combine("share");
            var transport = new FileShareTransport(share);
            transport.PrepareLayout(1);
            File.WriteAllBytes(folder.Combine("big.bin"), new byte[8 * 1024 * 1024]);
            using var cancel = new System.Threading.CancellationTokenSource();
            var address = ShareAddress.In(ShareArea.Inbox, 1, "20260101_000000_000000-t.sh.files");
            var writer = new BundleWriter(transport, address, partBytes: 1024 * 1024,
                progress: p => { if (p.BytesDone >= 3 * 1024 * 1024) cancel.Cancel(); }, cancel: cancel.Token);
            Assert.Throws<OperationCanceledException>(() => writer.Write(BundleItem.FromLocalPaths(new[] { folder.Combine("big.bin") }), new BundleManifest()));
            Assert.Empty(Directory.GetFiles(Path.Combine(share, "inbox", "1")));
        }
    }
}
