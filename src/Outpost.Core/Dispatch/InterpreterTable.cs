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
        public static InterpreterTable Discover()
        {
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            var table = new InterpreterTable();
            foreach (var (ext, programs) in windows ? WindowsCandidates : UnixCandidates)
            {
                string? path = programs.Select(ExecutableSearch.Find).FirstOrDefault(p => p != null);
                if (path != null) table.Set(ext, path);
            }
            return table;
        }
    }

    /// <summary>PATH lookup, the way a shell does it (PATHEXT on Windows).</summary>
    public static class ExecutableSearch
    {
        public static string? Find(string program)
        {
            if (program.IndexOf(Path.DirectorySeparatorChar) >= 0 || program.IndexOf('/') >= 0)
                return File.Exists(program) ? Path.GetFullPath(program) : null;
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            string[] extensions = windows
                ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT;.COM").Split(';')
                : new[] { "" };
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                if (dir.Length == 0) continue;
                foreach (string ext in extensions)
                {
                    string candidate;
                    try { candidate = Path.Combine(dir.Trim('"'), program + ext.ToLowerInvariant()); }
                    catch (ArgumentException) { continue; }
                    if (File.Exists(candidate)) return candidate;
                }
            }
            return null;
        }
    }
}
