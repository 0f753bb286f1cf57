using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// Where programs are looked up: the folders of PATH and, on Windows, the extensions of PATHEXT.
    /// A value, so tests can search their own folders without touching the process environment.
    /// </summary>
    public sealed class SearchPath
    {
        public SearchPath(IEnumerable<string> folders, IEnumerable<string> extensions)
        {
            Folders = folders.Select(f => f.Trim().Trim('"')).Where(f => f.Length > 0).ToList();
            Extensions = extensions.Select(e => e.Trim()).Where(e => e.Length > 1 && e[0] == '.').ToList();
        }

        public IReadOnlyList<string> Folders { get; }
        /// <summary>PATHEXT's entries (".EXE", ".CMD", ...); empty where names are used as they are (Unix).</summary>
        public IReadOnlyList<string> Extensions { get; }

        /// <summary>This process's PATH, with PATHEXT on Windows.</summary>
        public static SearchPath Current
        {
            get
            {
                bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
                string path = Environment.GetEnvironmentVariable("PATH") ?? "";
                string pathExt = windows ? Environment.GetEnvironmentVariable("PATHEXT") ?? ".COM;.EXE;.BAT;.CMD" : "";
                return new SearchPath(path.Split(Path.PathSeparator), pathExt.Split(';'));
            }
        }

        /// <summary>
        /// The file names to try for <paramref name="program"/> in each folder. A name that already ends in
        /// a PATHEXT extension is tried as given and only so (schtasks.exe, never schtasks.exe.exe), as cmd
        /// does; any other name gets each PATHEXT extension in turn.
        /// </summary>
        // PATHEXT lists the extensions cmd tries for a name typed without one: https://learn.microsoft.com/windows-server/administration/windows-commands/path
        public IReadOnlyList<string> NamesFor(string program)
        {
            if (Extensions.Count == 0) return new[] { program };
            string ext = Path.GetExtension(program);
            if (ext.Length > 0 && Extensions.Any(e => string.Equals(e, ext, StringComparison.OrdinalIgnoreCase)))
                return new[] { program };
            return Extensions.Select(e => program + e.ToLowerInvariant()).ToList();
        }

        /// <summary>Every match in search order (the first is what a shell would run).</summary>
        public IEnumerable<string> FindAll(string program)
        {
            if (program.IndexOf(Path.DirectorySeparatorChar) >= 0 || program.IndexOf('/') >= 0)
            {
                if (File.Exists(program)) yield return Path.GetFullPath(program);
                yield break;
            }
            var names = NamesFor(program);
            foreach (string folder in Folders)
            {
                foreach (string name in names)
                {
                    string candidate;
                    try { candidate = Path.Combine(folder, name); }
                    catch (ArgumentException) { continue; }
                    if (File.Exists(candidate)) yield return candidate;
                }
            }
        }

        public string? Find(string program) => FindAll(program).FirstOrDefault();
    }

    /// <summary>PATH lookup, the way a shell does it (PATHEXT on Windows).</summary>
    public static class ExecutableSearch
    {
        public static string? Find(string program) => SearchPath.Current.Find(program);

        public static IEnumerable<string> FindAll(string program) => SearchPath.Current.FindAll(program);
    }
}
