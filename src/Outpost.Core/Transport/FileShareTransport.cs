using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// A share that is a folder (SMB, NFS, sshfs, Syncthing, a USB stick). This is the one place where
    /// share paths are built and touched, and where the rules live:
    /// <list type="bullet">
    /// <item>every folder below the root (area, lane) is checked to be a real folder before it is used, so
    /// a path never passes through a link or junction and always stays under the share;</item>
    /// <item>every file is looked at without following links (lstat) before it is opened, and opened with
    /// O_NOFOLLOW | O_NONBLOCK where the OS allows: links, FIFOs, sockets and devices are refused;</item>
    /// <item>names come in as <see cref="ShareAddress"/>, which admits plain file names only.</item>
    /// </list>
    /// The root itself is the user's choice and may be reached through a link.
    /// </summary>
    public sealed class FileShareTransport : ISubmitterTransport, IResponderTransport
    {
        private readonly ShareLayout _layout;

        public FileShareTransport(string root) : this(new ShareLayout(root)) { }

        public FileShareTransport(ShareLayout layout)
        {
            _layout = layout;
            Location = NativeFiles.ResolvePath(layout.Root);
        }

        public ShareLayout Layout => _layout;
        public string Location { get; }

        public bool IsAvailable() =>
            Directory.Exists(_layout.Root) && NativeFiles.KindOf(_layout.Inbox) == EntryKind.Directory;

        public EntryKind KindOf(ShareAddress address)
        {
            string? folder = ExistingFolder(address.Area, address.Lane);
            return folder is null ? EntryKind.Missing : NativeFiles.KindOf(Path.Combine(folder, address.Name));
        }

        public IReadOnlyList<ShareEntry> List(ShareArea area, int lane)
        {
            var entries = new List<ShareEntry>();
            string? folder = ExistingFolder(area, lane);
            if (folder is null) return entries;
            string[] names;
            try { names = Directory.GetFileSystemEntries(folder); }
            catch (DirectoryNotFoundException) { return entries; }
            foreach (string full in names)
            {
                string name = Path.GetFileName(full);
                EntryKind kind;
                try { kind = NativeFiles.KindOf(full); }
                catch (IOException) { continue; }
                if (kind != EntryKind.Missing) entries.Add(new ShareEntry(name, kind)); // Missing: vanished since the listing
            }
            return entries;
        }

        public IReadOnlyList<int> Lanes(ShareArea area)
        {
            var lanes = new List<int>();
            foreach (var entry in List(area, 0))
                if (entry.Kind == EntryKind.Directory && ShareLayout.TryParseLaneName(entry.Name, out int lane)) lanes.Add(lane);
            lanes.Sort();
            return lanes;
        }

        public long? SizeOf(ShareAddress address)
        {
            string path = PathOf(address);
            return RequireFileOrMissing(path) ? new FileInfo(path).Length : (long?)null;
        }

        public byte[]? Read(ShareAddress address, long maxBytes)
        {
            using var stream = OpenRead(address);
            if (stream is null) return null;
            long length = stream.Length;
            if (length > maxBytes) throw new ShareRefusedException(LocationOf(address), $"is {length} bytes, more than the {maxBytes} expected");
            var content = new byte[length];
            int read = 0;
            while (read < content.Length)
            {
                int n = stream.Read(content, read, content.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read < content.Length) Array.Resize(ref content, read); // truncated meanwhile
            return content;
        }

        public Stream? OpenRead(ShareAddress address)
        {
            string path = PathOf(address);
            if (!RequireFileOrMissing(path)) return null;
            try { return NativeFiles.OpenRead(path); }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
        }

        public void Write(ShareAddress address, byte[] content, bool durable = true) =>
            AtomicFile.Write(WritablePath(address), content, durable);

        public bool TryCreate(ShareAddress address, byte[] content)
        {
            string path = WritablePath(address);
            return NativeFiles.KindOf(path) == EntryKind.Missing && AtomicFile.TryCreateNew(path, content);
        }

        public bool Delete(ShareAddress address)
        {
            string? folder = ExistingFolder(address.Area, address.Lane);
            if (folder is null) return false;
            string path = Path.Combine(folder, address.Name);
            EntryKind kind = NativeFiles.KindOf(path);
            if (kind == EntryKind.Missing) return false;
            if (kind == EntryKind.Directory) throw new ShareRefusedException(path, "is a folder where a file belongs");
            File.Delete(path); // unlink: a link goes, its target stays
            return true;
        }

        public DateTime? LastWriteUtc(ShareAddress address)
        {
            string path = PathOf(address);
            return NativeFiles.KindOf(path) == EntryKind.Missing ? (DateTime?)null : File.GetLastWriteTimeUtc(path);
        }

        public string LocationOf(ShareAddress address) => Path.Combine(FolderPath(address.Area, address.Lane), address.Name);

        public void EnsureFolder(ShareArea area, int lane)
        {
            if (area == ShareArea.Root) return;
            CreateChecked(FolderPath(area, 0));
            if (lane > 0) CreateChecked(FolderPath(area, lane));
        }

        public LayoutReport PrepareLayout(int laneCount)
        {
            var report = new LayoutReport();
            string root = _layout.Root;
            string? parent = Path.GetDirectoryName(root);
            if (!Directory.Exists(root) && (parent is null || !Directory.Exists(parent)))
            {
                report.Fatal = $"shared folder {root} is not available (is the share mounted?)";
                return report;
            }
            try
            {
                foreach (var area in Areas) CreateChecked(FolderPath(area, 0));
            }
            catch (ShareRefusedException e)
            {
                report.Fatal = $"not serving {root}: {e.Message}; remove it (someone with write access to the share planted it) and start again";
                report.Unsafe = true;
                return report;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                report.Fatal = $"shared folder {root} is not usable: {e.Message}";
                return report;
            }
            for (int lane = 1; lane <= laneCount; lane++)
            {
                try
                {
                    foreach (var area in Areas) CreateChecked(FolderPath(area, lane));
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    report.RefusedLanes[lane] = $"lane {lane} is not served: {e.Message}";
                }
            }
            return report;
        }

        public void Move(ShareAddress from, ShareAddress to)
        {
            string source = PathOf(from);
            if (!RequireFileOrMissing(source)) throw new FileNotFoundException("no such file in the share", source);
            AtomicFile.Rename(source, WritablePath(to), overwrite: true);
        }

        public void Append(ShareAddress address, byte[] content)
        {
            using var stream = NativeFiles.OpenAppend(WritablePath(address));
            stream.Write(content, 0, content.Length);
        }

        public string Stage(ShareAddress final) => AtomicFile.TempPathFor(WritablePath(final));

        public void PublishStaged(string staged, ShareAddress final) => AtomicFile.Publish(staged, WritablePath(final));

        public void DiscardStaged(string staged) => AtomicFile.TryDelete(staged);

        public ShareWatcher? Watch() => new ShareWatcher(_layout.Root);

        public IDisposable? Watch(ShareArea area, int lane, string prefix, Action changed)
        {
            string? folder = ExistingFolder(area, lane);
            if (folder is null) return null;
            FileSystemWatcher? watcher = null;
            try
            {
                watcher = new FileSystemWatcher(folder, prefix + "*") { NotifyFilter = NotifyFilters.FileName };
                watcher.Created += (_, _) => changed();
                watcher.Renamed += (_, _) => changed();
                watcher.Error += (_, _) => changed();
                watcher.EnableRaisingEvents = true;
                return watcher;
            }
            catch (Exception e) when (e is IOException || e is ArgumentException || e is UnauthorizedAccessException || e is PlatformNotSupportedException)
            {
                watcher?.Dispose();
                return null; // polling alone still finds the result
            }
        }

        private static readonly ShareArea[] Areas = { ShareArea.Inbox, ShareArea.Outbox, ShareArea.Cancel, ShareArea.Log };

        private string FolderPath(ShareArea area, int lane)
        {
            if (area == ShareArea.Root) return _layout.Root;
            string areaPath = Path.Combine(_layout.Root, ShareAddress.FolderName(area));
            return lane == 0 ? areaPath : Path.Combine(areaPath, lane.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>
        /// The folder of an address when it exists and every component below the root is a real folder;
        /// null when a component is missing; refused when one is a link, a file or a special file.
        /// </summary>
        private string? ExistingFolder(ShareArea area, int lane)
        {
            if (area == ShareArea.Root) return _layout.Root;
            string areaPath = FolderPath(area, 0);
            if (!CheckFolder(areaPath)) return null;
            if (lane == 0) return areaPath;
            string lanePath = FolderPath(area, lane);
            return CheckFolder(lanePath) ? lanePath : null;
        }

        private static bool CheckFolder(string path)
        {
            EntryKind kind = NativeFiles.KindOf(path);
            if (kind == EntryKind.Missing) return false;
            if (kind != EntryKind.Directory)
                throw new ShareRefusedException(path, kind == EntryKind.Link ? "is a link (or junction) where a folder belongs" : "is not a folder");
            return true;
        }

        private static void CreateChecked(string path)
        {
            if (CheckFolder(path)) return;
            Directory.CreateDirectory(path);
            UnixFile.TrySetMode(path, Convert.ToInt32("755", 8));
            CheckFolder(path); // raced: something else was put there meanwhile
        }

        /// <summary>The path of an address whose folders are real (missing ones are fine: the file is then missing too).</summary>
        private string PathOf(ShareAddress address)
        {
            ExistingFolder(address.Area, address.Lane);
            return LocationOf(address);
        }

        /// <summary>The path to write at: its folders must exist and be real.</summary>
        private string WritablePath(ShareAddress address)
        {
            string? folder = ExistingFolder(address.Area, address.Lane);
            if (folder is null) throw new DirectoryNotFoundException($"{FolderPath(address.Area, address.Lane)} does not exist");
            return Path.Combine(folder, address.Name);
        }

        /// <summary>True for a regular file, false when missing; refused for a link, folder or special file.</summary>
        private static bool RequireFileOrMissing(string path)
        {
            EntryKind kind = NativeFiles.KindOf(path);
            return kind switch
            {
                EntryKind.File => true,
                EntryKind.Missing => false,
                EntryKind.Link => throw new ShareRefusedException(path, "is a link"),
                EntryKind.Directory => throw new ShareRefusedException(path, "is a folder where a file belongs"),
                _ => throw new ShareRefusedException(path, "is a FIFO, socket or device"),
            };
        }

        public override string ToString() => _layout.Root;
    }
}
