using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading.Tasks;
using Outpost.Core.Transport;

namespace Outpost.Core.Files
{
    /// <summary>
    /// Packs local files into a share as a bundle: the parts first, each written to a temp name and renamed
    /// into place, then the manifest, so a reader that finds the manifest finds every part complete.
    /// One pass over each file: it is hashed as it is copied, in a fixed-size buffer whatever its size.
    /// </summary>
    public sealed class BundleWriter
    {
        private const int BufferBytes = 1024 * 1024;

        private readonly IShareTransport _share;
        private readonly ShareAddress _manifest;
        private readonly long _partBytes;
        private readonly bool _compress;
        private readonly Action<TransferProgress>? _progress;
        private readonly List<ShareAddress> _written = new List<ShareAddress>();
        private readonly System.Threading.CancellationToken _cancel;

        public BundleWriter(IShareTransport share, ShareAddress manifest, bool compress = false,
            long partBytes = BundleManifest.DefaultPartBytes, Action<TransferProgress>? progress = null,
            System.Threading.CancellationToken cancel = default)
        {
            _cancel = cancel;
            _share = share;
            _manifest = manifest;
            _compress = compress;
            _partBytes = partBytes;
            _progress = progress;
        }

        /// <summary>The address of part <paramref name="number"/> (1-based) of the bundle whose manifest is at <paramref name="manifest"/>.</summary>
        public static ShareAddress PartAddress(ShareAddress manifest, int number) =>
            manifest.WithName(manifest.Name + "." + number.ToString(CultureInfo.InvariantCulture));

        /// <summary>Deletes a bundle's parts, 1, 2, … up to the first that is not there (its manifest is the caller's to keep or delete).</summary>
        public static void DeleteParts(IShareTransport share, ShareAddress manifest)
        {
            for (int part = 1; share.TryDelete(PartAddress(manifest, part)); part++) { }
        }

        /// <summary>Writes the parts and then the manifest; returns the manifest's bytes (their SHA-256 names the bundle).</summary>
        /// <exception cref="BundleException">A local file could not be read (nothing written is left behind).</exception>
        public byte[] Write(IReadOnlyList<BundleItem> items, BundleManifest manifest)
        {
            manifest.Compressed = _compress;
            manifest.PartBytes = _partBytes;
            long total = 0;
            foreach (var item in items) total += item.Bytes;
            var parts = new PartSink(this, manifest);
            try
            {
                long done = 0;
                var buffer = new byte[BufferBytes];
                foreach (var item in items)
                {
                    var entry = new BundleEntry { Path = item.BundlePath, IsFolder = item.IsFolder, Executable = item.Executable };
                    if (!item.IsFolder) done = CopyFile(item, entry, parts, buffer, done, total);
                    manifest.Entries.Add(entry);
                }
                parts.Finish();
                byte[] bytes = manifest.ToKeyValues().ToBytes();
                _share.Write(_manifest, bytes);
                return bytes;
            }
            catch
            {
                parts.Abandon();
                Remove();
                throw;
            }
        }

        /// <summary>Deletes what this writer put in the share (a submit that failed after the bundle was written).</summary>
        public void Remove()
        {
            foreach (var address in _written) _share.TryDelete(address);
            _share.TryDelete(_manifest);
        }

        private long CopyFile(BundleItem item, BundleEntry entry, PartSink parts, byte[] buffer, long done, long total)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            FileStream source;
            try { source = new FileStream(item.LocalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BundleException(BundleFailure.Local, $"cannot read {item.LocalPath}: {e.Message}", e);
            }
            using (source)
            {
                int read;
                while ((read = ReadLocal(source, buffer, item)) > 0)
                {
                    _cancel.ThrowIfCancellationRequested(); // Write's catch removes what was written
                    ParallelHash.AppendWhileWriting(hash, buffer, read, parts.Write);
                    entry.Bytes += read;
                    done += read;
                    _progress?.Invoke(new TransferProgress("Sending files", item.BundlePath, done, total));
                }
            }
            entry.Sha256 = Hex(hash.GetHashAndReset());
            return done;
        }

        private static int ReadLocal(Stream source, byte[] buffer, BundleItem item)
        {
            try { return source.Read(buffer, 0, buffer.Length); }
            catch (IOException e) { throw new BundleException(BundleFailure.Local, $"cannot read {item.LocalPath}: {e.Message}", e); }
        }

        internal static string Hex(byte[] hash)
        {
            var text = new char[hash.Length * 2];
            for (int i = 0; i < hash.Length; i++)
            {
                text[2 * i] = "0123456789abcdef"[hash[i] >> 4];
                text[2 * i + 1] = "0123456789abcdef"[hash[i] & 15];
            }
            return new string(text);
        }

        /// <summary>
        /// The entries' bytes, cut into parts of at most part_bytes (before compression). A full part is flushed to
        /// disk and published on another thread while the next one is written, so the copy does not stall on every
        /// fsync; each part is still durable before it takes its name, one part at most is in flight (published in
        /// order), and the manifest waits for the last.
        /// </summary>
        private sealed class PartSink
        {
            private readonly BundleWriter _writer;
            private readonly BundleManifest _manifest;
            private string? _staged;
            private FileStream? _file;
            private Stream? _stream;
            private long _inPart;
            private Task? _flushing;
            private string? _flushingStaged;

            public PartSink(BundleWriter writer, BundleManifest manifest)
            {
                _writer = writer;
                _manifest = manifest;
            }

            public void Write(byte[] buffer, int count)
            {
                int offset = 0;
                while (count > 0)
                {
                    if (_stream is null) Open();
                    int take = (int)Math.Min(count, _writer._partBytes - _inPart);
                    _stream!.Write(buffer, offset, take);
                    _inPart += take;
                    offset += take;
                    count -= take;
                    if (_inPart == _writer._partBytes) Close();
                }
            }

            private void Open()
            {
                var address = PartAddress(_writer._manifest, _manifest.Parts.Count + 1);
                _staged = _writer._share.Stage(address);
                _file = new FileStream(_staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
                _stream = _writer._compress ? new GZipStream(_file, CompressionLevel.Fastest, leaveOpen: true) : (Stream)_file;
                _inPart = 0;
            }

            private void Close()
            {
                var address = PartAddress(_writer._manifest, _manifest.Parts.Count + 1);
                if (_stream != _file) _stream!.Dispose();
                WaitForFlush(); // a failure there leaves this part to Abandon, unpublished
                var file = _file!;
                string staged = _staged!;
                _manifest.Parts.Add(file.Length);
                _stream = null;
                _file = null;
                _staged = null;
                _writer._written.Add(address); // before it can exist: a failure from here on removes it
                _flushingStaged = staged;
                _flushing = Task.Run(() =>
                {
                    using (file) file.Flush(flushToDisk: true);
                    _writer._share.PublishStaged(staged, address);
                });
            }

            /// <summary>Waits for the part in flight; when it failed, its temp file is dropped and the failure thrown.</summary>
            private void WaitForFlush()
            {
                if (_flushing is null) return;
                try { _flushing.GetAwaiter().GetResult(); }
                catch
                {
                    _writer._share.DiscardStaged(_flushingStaged!);
                    throw;
                }
                finally { _flushing = null; }
            }

            public void Finish()
            {
                if (_stream != null) Close();
                WaitForFlush();
            }

            /// <summary>After a failure: the part being written is dropped, never published; the one in flight is let finish (the writer removes it).</summary>
            public void Abandon()
            {
                try { WaitForFlush(); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
                if (_stream is null) return;
                try
                {
                    if (_stream != _file) _stream.Dispose();
                }
                catch (IOException) { }
                _file!.Dispose();
                _writer._share.DiscardStaged(_staged!);
                _stream = null;
            }
        }
    }
}
