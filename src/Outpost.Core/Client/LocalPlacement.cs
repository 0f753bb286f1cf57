using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Outpost.Core.Transport;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Where fetched items land locally, with Copy-Item's rules: a destination that is an existing folder
    /// receives the items inside it; otherwise the one item becomes the destination. Items arrive first in a
    /// staging folder beside their final place (same volume, so placing is a rename) and are placed only when
    /// nothing clashes, so a refused copy leaves the destination as it was.
    /// </summary>
    public sealed class LocalPlacement
    {
        private LocalPlacement(string destination, bool into, string stagingParent)
        {
            Destination = destination;
            Into = into;
            StagingParent = stagingParent;
        }

        public string Destination { get; }
        /// <summary>The destination is an existing folder: items go inside it.</summary>
        public bool Into { get; }
        /// <summary>The folder the staging folder is made in (the destination or its parent).</summary>
        public string StagingParent { get; }

        /// <summary>Checks the destination before anything travels.</summary>
        /// <exception cref="OutpostException">Its parent folder does not exist, or it is a file and replacing it was not allowed.</exception>
        public static LocalPlacement Prepare(string destination, bool force)
        {
            string full = Path.GetFullPath(destination);
            if (Directory.Exists(full)) return new LocalPlacement(full, true, full);
            string parent = Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)) ?? "";
            if (parent.Length == 0 || !Directory.Exists(parent))
                throw new OutpostException("DestinationNotFound", OutpostErrorKind.NotFound,
                    $"Could not find a part of the path '{full}': the folder '{parent}' does not exist.", destination);
            if (File.Exists(full) && !force) throw Exists(full);
            return new LocalPlacement(full, false, parent);
        }

        /// <summary>A new, empty staging folder for the items (hidden from casual listings by its leading dot).</summary>
        public string CreateStaging()
        {
            string path = Path.Combine(StagingParent, ".outpost-copy-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(path);
            return path;
        }

        /// <summary>Moves every top-level item of <paramref name="staging"/> to its place; returns the placed paths.</summary>
        /// <exception cref="OutpostException">Several items for a destination that is not a folder, a file where a folder is (or the reverse), or an existing file without <paramref name="force"/>.</exception>
        public IReadOnlyList<string> Place(string staging, bool force)
        {
            var names = Directory.EnumerateFileSystemEntries(staging).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
            if (!Into && names.Count > 1)
                throw new OutpostException("DestinationNotAFolder", OutpostErrorKind.InvalidArgument,
                    $"Cannot copy {names.Count} items to '{Destination}': it is not an existing folder.", Destination);
            var plan = names.Select(n => (From: Path.Combine(staging, n!), To: Into ? Path.Combine(Destination, n!) : Destination)).ToList();
            foreach (var (from, to) in plan) Check(from, to, force);
            foreach (var (from, to) in plan)
            {
                if (Directory.Exists(from)) Merge(from, to);
                else AtomicFile.Rename(from, to, overwrite: true);
            }
            return plan.Select(p => p.To).ToList();
        }

        private static void Check(string from, string to, bool force)
        {
            if (Directory.Exists(from))
            {
                if (File.Exists(to)) throw Clash($"Cannot overwrite the file '{to}' with a folder.", to);
                if (force || !Directory.Exists(to)) return;
                foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
                {
                    string target = to + file.Substring(from.Length);
                    if (File.Exists(target) || Directory.Exists(target)) throw Exists(target);
                }
            }
            else
            {
                if (Directory.Exists(to)) throw Clash($"Cannot overwrite the folder '{to}' with a file.", to);
                if (!force && File.Exists(to)) throw Exists(to);
            }
        }

        /// <summary>A folder that is not there yet is renamed into place whole; one that is gets the contents merged in.</summary>
        private static void Merge(string from, string to)
        {
            if (!Directory.Exists(to))
            {
                Directory.Move(from, to);
                return;
            }
            foreach (string folder in Directory.GetDirectories(from)) Merge(folder, Path.Combine(to, Path.GetFileName(folder)));
            foreach (string file in Directory.GetFiles(from)) AtomicFile.Rename(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        public static void RemoveStaging(string staging)
        {
            try { Directory.Delete(staging, recursive: true); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }

        private static OutpostException Exists(string path) => new OutpostException("ItemExists", OutpostErrorKind.AlreadyExists,
            $"'{path}' already exists; use -Force to replace it.", path);

        private static OutpostException Clash(string message, string path) =>
            new OutpostException("DestinationTypeMismatch", OutpostErrorKind.InvalidOperation, message, path);
    }
}
