using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Outpost.Core.Dispatch
{
    /// <summary>The dispatch table: extension → interpreter, in preference order (dispatch.order).</summary>
    public sealed class InterpreterTable
    {
        private readonly List<Interpreter> _ordered = new List<Interpreter>();

        public IReadOnlyList<Interpreter> Interpreters => _ordered;

        public InterpreterTable Set(Interpreter interpreter)
        {
            int at = _ordered.FindIndex(i => i.Extension == interpreter.Extension);
            if (at >= 0) _ordered[at] = interpreter;
            else _ordered.Add(interpreter);
            return this;
        }

        public InterpreterTable Set(string extension, string path) => Set(new Interpreter(extension, path));

        public Interpreter? Find(string extension) => _ordered.FirstOrDefault(i => i.Extension == extension);

        /// <summary>Candidate programs per extension, in the order we prefer them on each OS.</summary>
        private static readonly (string Ext, string[] Programs)[] UnixCandidates =
        {
            ("sh", new[] { "sh" }),
            ("bash", new[] { "bash" }),
            ("zsh", new[] { "zsh" }),
            ("py", new[] { "python3", "python" }),
            ("ps1", new[] { "pwsh" }),
            ("js", new[] { "node" }),
            ("pl", new[] { "perl" }),
            ("rb", new[] { "ruby" }),
            ("php", new[] { "php" }),
            ("lua", new[] { "lua" }),
        };

        private static readonly (string Ext, string[] Programs)[] WindowsCandidates =
        {
            ("ps1", new[] { "pwsh", "powershell" }),
            ("cmd", new[] { "cmd" }),
            ("bat", new[] { "cmd" }),
            ("py", new[] { "python", "py", "python3" }),
            ("sh", new[] { "sh", "bash" }),
            ("bash", new[] { "bash" }),
            ("js", new[] { "node" }),
            ("pl", new[] { "perl" }),
            ("rb", new[] { "ruby" }),
        };

        /// <summary>Finds interpreters on PATH; what is not installed is simply not in the table.</summary>
        public static InterpreterTable Discover() =>
            Discover(SearchPath.Current, RuntimeInformation.IsOSPlatform(OSPlatform.Windows), SmokeTest);

        /// <summary>
        /// Discovery over <paramref name="search"/>: for each extension the first candidate program found that
        /// is a real interpreter. WSL's launcher is never taken for sh/bash (it runs a Linux distribution
        /// that cannot open a Windows script path), and an app execution alias is taken only when a tiny
        /// script runs through it: the Store's python.exe stub exits 9009 instead of running anything.
        /// </summary>
        public static InterpreterTable Discover(SearchPath search, bool windows, Func<string, string, bool> smokeTest)
        {
            var table = new InterpreterTable();
            foreach (var (ext, programs) in windows ? WindowsCandidates : UnixCandidates)
            {
                string? path = programs
                    .SelectMany(search.FindAll)
                    .FirstOrDefault(p => !SuspectInterpreter.IsWslLauncher(p) &&
                                         (!SuspectInterpreter.IsAppExecutionAlias(p) || smokeTest(ext, p)));
                if (path != null) table.Set(ext, path);
            }
            return table;
        }

        private static bool SmokeTest(string extension, string path) =>
            Probing.InterpreterProbe.SmokeTest(extension, path, TimeSpan.FromSeconds(10)).Works;
    }

    /// <summary>Programs on PATH that carry an interpreter's name but are not that interpreter.</summary>
    public static class SuspectInterpreter
    {
        /// <summary>
        /// An app execution alias in a WindowsApps folder: the Store's python.exe placeholder that prints a
        /// hint and exits 9009 until the Store app is installed, or a real Store app (which then works).
        /// </summary>
        // https://learn.microsoft.com/windows/python/faqs#why-does-running-python-exe-open-the-microsoft-store
        public static bool IsAppExecutionAlias(string path) =>
            Segments(path).Any(s => string.Equals(s, "WindowsApps", StringComparison.OrdinalIgnoreCase));

        /// <summary>System32\bash.exe (and wsl.exe): the WSL launcher, not a Windows bash.</summary>
        // https://learn.microsoft.com/windows/wsl/basic-commands (bash.exe and wsl.exe start the default distribution)
        public static bool IsWslLauncher(string path)
        {
            var parts = Segments(path);
            if (parts.Count < 2) return false;
            string file = parts[parts.Count - 1];
            string folder = parts[parts.Count - 2];
            bool launcher = new[] { "bash", "bash.exe", "wsl", "wsl.exe" }.Any(n => string.Equals(n, file, StringComparison.OrdinalIgnoreCase));
            bool system = new[] { "System32", "SysWOW64", "Sysnative" }.Any(n => string.Equals(n, folder, StringComparison.OrdinalIgnoreCase));
            return launcher && system;
        }

        private static IReadOnlyList<string> Segments(string path) =>
            path.Split(new[] { '/', '\\' }, StringSplitOptions.RemoveEmptyEntries);
    }
}
