using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Outpost.Core.Transport;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// Where a responder materialises job scripts while they run: a folder only its own account can read.
    /// On Unix a temp folder set to 0700. On Windows the mode is a no-op and the temp folder may be shared:
    /// under SYSTEM, .NET Framework's temp path is C:\Windows\Temp, where users can create files. So on
    /// Windows it is the account's own local application data folder, private by its inherited ACL
    /// (for SYSTEM, inside the system profile).
    /// </summary>
    // FOLDERID_LocalAppData is per user (%LOCALAPPDATA%): https://learn.microsoft.com/windows/win32/shell/knownfolderid
    public static class PrivateScriptFolder
    {
        private const string OwnerFile = ".owner";
        private static readonly Regex FolderName = new Regex("^outpost-[0-9a-f]{12}$", RegexOptions.CultureInvariant);
        private static readonly Dictionary<string, FileStream> Held = new Dictionary<string, FileStream>(StringComparer.Ordinal);

        public static string DefaultRoot =>
            RootFor(RuntimeInformation.IsOSPlatform(OSPlatform.Windows),
                Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), Path.GetTempPath());

        public static string Create() => Create(DefaultRoot);

        /// <summary>The folder the private folders go under: per-user application data on Windows, else temp.</summary>
        public static string RootFor(bool windows, string localAppData, string tempPath) =>
            windows && !string.IsNullOrEmpty(localAppData) ? Path.Combine(localAppData, "Outpost", "scripts") : tempPath;

        public static string Create(string root)
        {
            string folder = Path.Combine(root, "outpost-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(folder);
            UnixFile.TrySetMode(folder, Convert.ToInt32("700", 8));
            return folder;
        }

        /// <summary>
        /// A responder's folder, marked as in use for as long as this process lives: it holds its
        /// <c>.owner</c> file open without sharing (an OS lock that a kill -9 releases), so a later responder
        /// can tell a folder whose owner died (with its scripts and staged attachments) and remove it.
        /// </summary>
        public static string CreateOwned(string root)
        {
            string folder = Create(root);
            var owner = new FileStream(Path.Combine(folder, OwnerFile), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            lock (Held) Held[folder] = owner;
            return folder;
        }

        /// <summary>Lets go of a folder made by <see cref="CreateOwned"/> (before deleting it: Windows keeps an open file's folder).</summary>
        public static void Release(string folder)
        {
            lock (Held)
            {
                if (!Held.TryGetValue(folder, out var owner)) return;
                owner.Dispose();
                Held.Remove(folder);
            }
        }

        /// <summary>
        /// Removes the folders under <paramref name="root"/> that a responder made with <see cref="CreateOwned"/>
        /// and that no living process holds any more (their owner was killed). Folders of other accounts, of
        /// living responders, and anything not named and marked as ours are left alone.
        /// </summary>
        /// <returns>How many were removed.</returns>
        public static int RemoveAbandoned(string root)
        {
            int removed = 0;
            IEnumerable<string> folders;
            try { folders = Directory.EnumerateDirectories(root, "outpost-*"); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return 0; }
            foreach (string folder in folders)
            {
                if (!FolderName.IsMatch(Path.GetFileName(folder)) || NativeFiles.KindOf(folder) != EntryKind.Directory) continue;
                string owner = Path.Combine(folder, OwnerFile);
                if (NativeFiles.KindOf(owner) != EntryKind.File) continue;
                lock (Held) if (Held.ContainsKey(folder)) continue;
                try
                {
                    using (new FileStream(owner, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { } // held: its owner lives
                    Directory.Delete(folder, recursive: true);
                    removed++;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
            return removed;
        }
    }
}
