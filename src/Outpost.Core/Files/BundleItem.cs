using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Outpost.Core.Transport;

namespace Outpost.Core.Files
{
    /// <summary>One local file or folder to pack, and the path it takes in the bundle.</summary>
    public sealed class BundleItem
    {
        public BundleItem(string localPath, string bundlePath, bool isFolder, long bytes)
        {
            LocalPath = localPath;
            BundlePath = bundlePath;
            IsFolder = isFolder;
            Bytes = bytes;
            // A script attached as ./build.sh must still run as one on the other side.
            Executable = !isFolder && NativeFiles.IsExecutable(localPath);
        }

        public string LocalPath { get; }
        public string BundlePath { get; }
        public bool IsFolder { get; }
        public long Bytes { get; }
        /// <summary>The file's owner may execute it (Unix); travels as the entry's executable flag.</summary>
        public bool Executable { get; }

        /// <summary>
        /// The items for a list of local files and folders: each under its own name, folders with all they
        /// hold (empty folders included). Links to files are read through; linked folders are not entered
        /// (a link loop would never end). Two items with one name are refused.
        /// </summary>
        /// <exception cref="BundleException">A path is missing, or two items would share a name.</exception>
        public static IReadOnlyList<BundleItem> FromLocalPaths(IEnumerable<string> paths)
        {
            var items = new List<BundleItem>();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string given in paths)
            {
                string full = Path.GetFullPath(given);
                string name = NameOf(full);
                if (name.Length == 0) throw new BundleException(BundleFailure.Local, $"cannot attach {given}: it has no name (a drive or the root)");
                if (!names.Add(name)) throw new BundleException(BundleFailure.Exists, $"two attachments are named \"{name}\"; rename one, or put them in a folder");
                if (Directory.Exists(full)) AddFolder(items, full, name);
                else if (File.Exists(full)) items.Add(new BundleItem(full, name, false, new FileInfo(full).Length));
                else throw new BundleException(BundleFailure.Local, $"cannot attach {given}: no such file or folder");
            }
            return items;
        }

        /// <summary>The name a local file or folder takes in a bundle: its last path component ("" for a root).</summary>
        public static string NameOf(string path) => Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));

        /// <summary>
        /// The first name two of <paramref name="paths"/> would both take in a bundle, with the paths that take it, or
        /// null. Case is folded: a Windows or macOS target would make the two one file.
        /// </summary>
        public static IGrouping<string, string>? FirstNameClash(IEnumerable<string> paths) =>
            paths.GroupBy(NameOf, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);

        private static void AddFolder(List<BundleItem> items, string folder, string bundlePath)
        {
            items.Add(new BundleItem(folder, bundlePath, true, 0));
            foreach (string entry in Directory.EnumerateFileSystemEntries(folder).OrderBy(e => e, StringComparer.Ordinal))
            {
                string child = bundlePath + "/" + Path.GetFileName(entry);
                var kind = NativeFiles.KindOf(entry);
                if (kind == EntryKind.Directory) AddFolder(items, entry, child);
                else if (kind == EntryKind.File || kind == EntryKind.Link && File.Exists(entry)) items.Add(new BundleItem(entry, child, false, new FileInfo(entry).Length));
                // a linked folder, a FIFO, a socket or a device: not packed
            }
        }

        /// <summary>
        /// The files under <paramref name="root"/> that match any of <paramref name="patterns"/>, for artifacts:
        /// walked without following a link, so a job cannot send back what a link points at outside its folder.
        /// </summary>
        public static IReadOnlyList<BundleItem> Matching(string root, IEnumerable<string> patterns)
        {
            var globs = patterns.Select(p => new Glob(p)).ToList();
            var items = new List<BundleItem>();
            var folders = new HashSet<string>(StringComparer.Ordinal);
            if (NativeFiles.KindOf(root) != EntryKind.Directory) return items;
            Walk(root, "", globs, items, folders);
            return items;
        }

        private static void Walk(string folder, string prefix, List<Glob> globs, List<BundleItem> items, HashSet<string> folders)
        {
            IEnumerable<string> entries;
            try { entries = Directory.EnumerateFileSystemEntries(folder).OrderBy(e => e, StringComparer.Ordinal).ToList(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return; }
            foreach (string entry in entries)
            {
                string relative = prefix + Path.GetFileName(entry);
                var kind = NativeFiles.KindOf(entry);
                if (kind == EntryKind.Directory) Walk(entry, relative + "/", globs, items, folders);
                else if (kind == EntryKind.File && globs.Any(g => g.IsMatch(relative)))
                {
                    AddParents(relative, folder, items, folders);
                    items.Add(new BundleItem(entry, relative, false, new FileInfo(entry).Length));
                }
            }
        }

        // Folders travel as entries of their own, parents first, so the receiver makes them before the files.
        private static void AddParents(string relative, string folder, List<BundleItem> items, HashSet<string> folders)
        {
            int slash = relative.LastIndexOf('/');
            if (slash < 0) return;
            string parent = relative.Substring(0, slash);
            if (folders.Contains(parent)) return;
            AddParents(parent, Path.GetDirectoryName(folder) ?? folder, items, folders);
            folders.Add(parent);
            items.Add(new BundleItem(folder, parent, true, 0));
        }
    }
}
