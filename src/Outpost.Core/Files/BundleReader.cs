using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using Outpost.Core.Transport;

namespace Outpost.Core.Files
{
    /// <summary>
    /// Unpacks a bundle from a share into a local folder. Everything read from the share is hostile: paths
    /// are checked before use, never pass through a link, and every file is written under a temp name and
    /// renamed into place only after its bytes matched its SHA-256. A part that is missing, short, long or
    /// changed fails the whole bundle with a <see cref="BundleException"/>.
    /// </summary>
    public sealed class BundleReader
    {
        private const int BufferBytes = 1024 * 1024;
        private const string PartialSuffix = ".outpost-partial";

        private readonly IShareTransport _share;
        private readonly ShareAddress _manifestAddress;
        private readonly Action<TransferProgress>? _progress;

        public BundleReader(IShareTransport share, ShareAddress manifest, Action<TransferProgress>? progress = null)
        {
            _share = share;
            _manifestAddress = manifest;
            _progress = progress;
        }

        /// <summary>
        /// The manifest, checked against the SHA-256 that names it (from the job's directive or the result).
        /// </summary>
        /// <exception cref="BundleException">Missing (<see cref="BundleFailure.Incomplete"/>), or not the one named (<see cref="BundleFailure.Damaged"/>).</exception>
        public BundleManifest ReadManifest(string expectedSha256)
        {
            byte[]? bytes;
            try { bytes = _share.Read(_manifestAddress, BundleManifest.MaxManifestBytes); }
            catch (ShareRefusedException e) { throw new BundleException(BundleFailure.Unsafe, $"the file manifest {e.Message}", e); }
            if (bytes is null) throw new BundleException(BundleFailure.Incomplete, $"the file manifest {_manifestAddress.Name} is not in the share");
            if (!string.Equals(Trust.JobSignature.Sha256Hex(bytes), expectedSha256, StringComparison.OrdinalIgnoreCase))
                throw new BundleException(BundleFailure.Damaged, $"the file manifest {_manifestAddress.Name} is not the one the job names (its SHA-256 differs): it was changed in the share");
            try { return BundleManifest.Parse(bytes); }
            catch (FormatException e) { throw new BundleException(BundleFailure.Damaged, "the file manifest is not valid: " + e.Message, e); }
        }

        /// <summary>True when every part the manifest lists is in the share at its stated size (a sync may still be bringing some).</summary>
        public bool PartsArePresent(BundleManifest manifest)
        {
            for (int i = 0; i < manifest.Parts.Count; i++)
            {
                long? size;
                try { size = _share.SizeOf(BundleWriter.PartAddress(_manifestAddress, i + 1)); }
                catch (ShareRefusedException) { return true; } // present but unusable: reading it fails with the reason
                if (size != manifest.Parts[i]) return false;
            }
            return true;
        }

        /// <summary>Unpacks every entry under <paramref name="destination"/> (created if missing); returns the local paths of the files written.</summary>
        /// <param name="overwrite">Replace files already there (as Copy-Item does); otherwise an existing file fails the unpack.</param>
        public IReadOnlyList<string> Unpack(BundleManifest manifest, string destination, bool overwrite)
        {
            if (!overwrite) RefuseExisting(manifest, destination);
            Directory.CreateDirectory(destination);
            var written = new List<string>();
            long total = manifest.TotalBytes, done = 0;
            using var data = new PartStream(_share, _manifestAddress, manifest);
            var buffer = new byte[BufferBytes];
            foreach (var entry in manifest.Entries)
            {
                string target = BundlePath.Under(destination, entry.Path);
                EnsureFolders(destination, entry.IsFolder ? entry.Path : ParentOf(entry.Path));
                if (entry.IsFolder) continue;
                done = UnpackFile(entry, target, data, buffer, overwrite, done, total);
                written.Add(target);
            }
            if (data.ReadByte() >= 0) throw new BundleException(BundleFailure.Damaged, "the parts hold more bytes than the manifest lists");
            return written;
        }

        // Checked before anything is written, so a refused unpack leaves the destination as it was.
        private static void RefuseExisting(BundleManifest manifest, string destination)
        {
            var existing = manifest.Entries.Where(e => !e.IsFolder)
                .Select(e => BundlePath.Under(destination, e.Path))
                .Where(path => NativeFiles.KindOf(path) == EntryKind.File).ToList();
            if (existing.Count == 0) return;
            string more = existing.Count > 1 ? $" (and {existing.Count - 1} more)" : "";
            throw new BundleException(BundleFailure.Exists, $"{existing[0]} already exists{more}; nothing was written (ask to replace existing files: -Force, or --force)");
        }

        private long UnpackFile(BundleEntry entry, string target, Stream data, byte[] buffer, bool overwrite, long done, long total)
        {
            var existing = NativeFiles.KindOf(target);
            if (existing == EntryKind.Link || existing == EntryKind.Directory || existing == EntryKind.Special)
                throw new BundleException(BundleFailure.Unsafe, $"{target} is a {(existing == EntryKind.Directory ? "folder" : "link or special file")}; not replacing it with the file {BundlePath.Printable(entry.Path)}");
            if (existing == EntryKind.File && !overwrite)
                throw new BundleException(BundleFailure.Exists, $"{target} already exists (ask to replace existing files: -Force, or --force)");
            string partial = target + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + PartialSuffix;
            try
            {
                using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                {
                    long left = entry.Bytes;
                    while (left > 0)
                    {
                        int read = data.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                        if (read == 0) throw new BundleException(BundleFailure.Damaged, $"the parts end before {BundlePath.Printable(entry.Path)} does");
                        ParallelHash.AppendWhileWriting(hash, buffer, read, (block, count) => file.Write(block, 0, count));
                        left -= read;
                        done += read;
                        _progress?.Invoke(new TransferProgress("Receiving files", entry.Path, done, total));
                    }
                    if (BundleWriter.Hex(hash.GetHashAndReset()) != entry.Sha256)
                        throw new BundleException(BundleFailure.Damaged, $"{BundlePath.Printable(entry.Path)} does not match its SHA-256: it was changed in the share or damaged on the way");
                }
                if (entry.Executable) UnixFile.TrySetMode(partial, Convert.ToInt32("755", 8));
                AtomicFile.Rename(partial, target, overwrite: true);
                partial = "";
            }
            catch (Exception e) when (e is UnauthorizedAccessException || e is IOException && !(e is BundleException))
            {
                throw new BundleException(BundleFailure.Local, $"cannot write {target}: {e.Message}", e);
            }
            finally
            {
                if (partial.Length > 0) AtomicFile.TryDelete(partial);
            }
            return done;
        }

        /// <summary>Makes the folders of <paramref name="relative"/> under <paramref name="root"/>, refusing any that is a link or a file.</summary>
        private static void EnsureFolders(string root, string relative)
        {
            string path = root;
            if (relative.Length == 0) return;
            foreach (string segment in relative.Split('/'))
            {
                path = Path.Combine(path, segment);
                var kind = NativeFiles.KindOf(path);
                if (kind == EntryKind.Missing) Directory.CreateDirectory(path);
                else if (kind != EntryKind.Directory)
                    throw new BundleException(BundleFailure.Unsafe, $"{path} is a {(kind == EntryKind.Link ? "link" : "file")} where a folder belongs; not writing through it");
            }
        }

        private static string ParentOf(string path)
        {
            int slash = path.LastIndexOf('/');
            return slash < 0 ? "" : path.Substring(0, slash);
        }

        /// <summary>The parts, one after another, each checked to hold exactly its stated size, decompressed when compressed.</summary>
        private sealed class PartStream : ForwardOnlyStream
        {
            private readonly IShareTransport _share;
            private readonly ShareAddress _manifest;
            private readonly BundleManifest _bundle;
            private int _next;
            private Stream? _raw;
            private Stream? _current;
            private CountingStream? _counted;

            public PartStream(IShareTransport share, ShareAddress manifest, BundleManifest bundle)
            {
                _share = share;
                _manifest = manifest;
                _bundle = bundle;
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                while (true)
                {
                    if (_current is null && !OpenNext()) return 0;
                    int read = _current!.Read(buffer, offset, count);
                    if (read > 0) return read;
                    EndPart();
                }
            }

            private bool OpenNext()
            {
                if (_next >= _bundle.Parts.Count) return false;
                var address = BundleWriter.PartAddress(_manifest, _next + 1);
                Stream? raw;
                try { raw = _share.OpenRead(address); }
                catch (ShareRefusedException e) { throw new BundleException(BundleFailure.Unsafe, $"part {_next + 1} {e.Message}", e); }
                _raw = raw ?? throw new BundleException(BundleFailure.Incomplete, $"part {_next + 1} of the files ({address.Name}) is not in the share");
                _counted = new CountingStream(_raw, _bundle.Parts[_next], _next + 1);
                _current = _bundle.Compressed ? new GZipStream(_counted, CompressionMode.Decompress) : (Stream)_counted;
                _next++;
                return true;
            }

            private void EndPart()
            {
                if (_counted!.Count != _counted.Expected)
                    throw new BundleException(BundleFailure.Damaged, $"part {_counted.Number} holds {_counted.Count} bytes, not the {_counted.Expected} listed");
                _current!.Dispose();
                _raw!.Dispose();
                _current = null;
            }

            protected override void Dispose(bool disposing)
            {
                _current?.Dispose();
                _raw?.Dispose();
                base.Dispose(disposing);
            }
        }

        /// <summary>Counts what a part gives, and refuses to give more than it was listed with.</summary>
        private sealed class CountingStream : ForwardOnlyStream
        {
            private readonly Stream _inner;

            public CountingStream(Stream inner, long expected, int number)
            {
                _inner = inner;
                Expected = expected;
                Number = number;
            }

            public long Count { get; private set; }
            public long Expected { get; }
            public int Number { get; }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int read = _inner.Read(buffer, offset, count);
                Count += read;
                if (Count > Expected) throw new BundleException(BundleFailure.Damaged, $"part {Number} holds more than the {Expected} bytes listed");
                return read;
            }
        }

        /// <summary>A stream read once from start to end: no seeking, no writing.</summary>
        private abstract class ForwardOnlyStream : Stream
        {
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
