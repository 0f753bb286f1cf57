using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// A share held in memory: the second implementation of the seam. Lane logic runs on it without a
    /// folder or a responder process, and it shows what another transport (object storage) must provide.
    /// Output is streamed to a local staging file (the dispatcher writes to a path) and taken in whole
    /// when published. Entries can be planted as links or special files to exercise the rules.
    /// </summary>
    public sealed class MemoryShareTransport : ISubmitterTransport, IResponderTransport, IDisposable
    {
        private readonly object _gate = new object();
        private readonly Dictionary<ShareAddress, Entry> _files = new Dictionary<ShareAddress, Entry>();
        private readonly HashSet<(ShareArea, int)> _folders = new HashSet<(ShareArea, int)>();
        private readonly string _staging = Path.Combine(Path.GetTempPath(), "outpost-memshare-" + Guid.NewGuid().ToString("N"));

        private sealed class Entry
        {
            public byte[] Content = Array.Empty<byte>();
            public EntryKind Kind = EntryKind.File;
            public DateTime Written = DateTime.UtcNow;
        }

        public MemoryShareTransport(string location = "memory://share")
        {
            Location = location;
            _folders.Add((ShareArea.Root, 0));
        }

        public string Location { get; }

        /// <summary>Tests: put something that is not a regular file at an address (a link, a FIFO).</summary>
        public void Plant(ShareAddress address, EntryKind kind)
        {
            lock (_gate) _files[address] = new Entry { Kind = kind };
        }

        public bool IsAvailable()
        {
            lock (_gate) return _folders.Contains((ShareArea.Inbox, 0));
        }

        public EntryKind KindOf(ShareAddress address)
        {
            lock (_gate) return _files.TryGetValue(address, out var entry) ? entry.Kind : EntryKind.Missing;
        }

        public IReadOnlyList<ShareEntry> List(ShareArea area, int lane)
        {
            lock (_gate)
            {
                var entries = _files.Where(f => f.Key.Area == area && f.Key.Lane == lane)
                    .Select(f => new ShareEntry(f.Key.Name, f.Value.Kind)).ToList();
                if (lane == 0 && area != ShareArea.Root)
                    entries.AddRange(_folders.Where(f => f.Item1 == area && f.Item2 > 0).Select(f => new ShareEntry(ShareLayout.LaneName(f.Item2), EntryKind.Directory)));
                return entries;
            }
        }

        public IReadOnlyList<int> Lanes(ShareArea area)
        {
            lock (_gate) return _folders.Where(f => f.Item1 == area && f.Item2 > 0).Select(f => f.Item2).OrderBy(l => l).ToList();
        }

        public long? SizeOf(ShareAddress address)
        {
            lock (_gate) return Regular(address)?.Content.LongLength;
        }

        public byte[]? Read(ShareAddress address, long maxBytes)
        {
            lock (_gate)
            {
                var entry = Regular(address);
                if (entry is null) return null;
                if (entry.Content.LongLength > maxBytes) throw new ShareRefusedException(LocationOf(address), $"is {entry.Content.Length} bytes, more than the {maxBytes} expected");
                return (byte[])entry.Content.Clone();
            }
        }

        public Stream? OpenRead(ShareAddress address)
        {
            var content = Read(address, long.MaxValue);
            return content is null ? null : new MemoryStream(content, writable: false);
        }

        public void Write(ShareAddress address, byte[] content, bool durable = true)
        {
            lock (_gate)
            {
                RequireFolder(address);
                _files[address] = new Entry { Content = (byte[])content.Clone() };
            }
        }

        public bool TryCreate(ShareAddress address, byte[] content)
        {
            lock (_gate)
            {
                RequireFolder(address);
                if (_files.ContainsKey(address)) return false;
                _files[address] = new Entry { Content = (byte[])content.Clone() };
                return true;
            }
        }

        public bool Delete(ShareAddress address)
        {
            lock (_gate) return _files.Remove(address);
        }

        public DateTime? LastWriteUtc(ShareAddress address)
        {
            lock (_gate) return _files.TryGetValue(address, out var entry) ? entry.Written : (DateTime?)null;
        }

        public string LocationOf(ShareAddress address) => Location + "/" + address;

        public void EnsureFolder(ShareArea area, int lane)
        {
            lock (_gate)
            {
                _folders.Add((area, 0));
                if (lane > 0) _folders.Add((area, lane));
            }
        }

        public LayoutReport PrepareLayout(int laneCount)
        {
            foreach (var area in new[] { ShareArea.Inbox, ShareArea.Outbox, ShareArea.Cancel, ShareArea.Log })
                for (int lane = 0; lane <= laneCount; lane++) EnsureFolder(area, lane);
            return new LayoutReport();
        }

        public void Move(ShareAddress from, ShareAddress to)
        {
            lock (_gate)
            {
                var entry = Regular(from) ?? throw new FileNotFoundException("no such file in the share", LocationOf(from));
                RequireFolder(to);
                _files.Remove(from);
                _files[to] = entry;
            }
        }

        public void Append(ShareAddress address, byte[] content)
        {
            lock (_gate)
            {
                RequireFolder(address);
                var existing = _files.TryGetValue(address, out var entry) ? Regular(address)!.Content : Array.Empty<byte>();
                _files[address] = new Entry { Content = existing.Concat(content).ToArray() };
            }
        }

        public string Stage(ShareAddress final)
        {
            Directory.CreateDirectory(_staging);
            return Path.Combine(_staging, Guid.NewGuid().ToString("N") + ".tmp");
        }

        public void PublishStaged(string staged, ShareAddress final)
        {
            Write(final, File.ReadAllBytes(staged));
            File.Delete(staged);
        }

        public void DiscardStaged(string staged) => AtomicFile.TryDelete(staged);

        public ShareWatcher? Watch() => null;

        public IDisposable? Watch(ShareArea area, int lane, string prefix, Action changed) => null;

        public void Dispose()
        {
            try { if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true); }
            catch (IOException) { }
        }

        private Entry? Regular(ShareAddress address)
        {
            if (!_files.TryGetValue(address, out var entry)) return null;
            if (entry.Kind != EntryKind.File) throw new ShareRefusedException(LocationOf(address), "is not a regular file");
            return entry;
        }

        private void RequireFolder(ShareAddress address)
        {
            if (!_folders.Contains((address.Area, address.Lane)))
                throw new DirectoryNotFoundException($"{Location}/{ShareAddress.FolderName(address.Area)}/{address.Lane} does not exist");
        }
    }
}
