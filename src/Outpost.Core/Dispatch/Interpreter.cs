using System;
using System.Collections.Generic;

namespace Outpost.Core.Dispatch
{
    /// <summary>How one extension runs: <c>&lt;Path&gt; [Arguments] &lt;script&gt;</c>.</summary>
    public sealed class Interpreter
    {
        public Interpreter(string extension, string path, IReadOnlyList<string>? arguments = null)
        {
            Extension = extension;
            Path = path;
            Arguments = arguments ?? DefaultArgumentsFor(extension, path);
        }

        public string Extension { get; }
        public string Path { get; }
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>v1's fixed arguments: ps1 gets -NoProfile -ExecutionPolicy Bypass -File; cmd, bat, btm get /c.</summary>
        public static IReadOnlyList<string> DefaultArgumentsFor(string extension) => DefaultArgumentsFor(extension, "");

        /// <summary>
        /// v1's fixed arguments, with /d added when cmd.exe runs the script: without it cmd first runs the
        /// AutoRun command from the registry, before every job.
        /// </summary>
        // cmd /d: "Disables execution of AutoRun commands": https://learn.microsoft.com/windows-server/administration/windows-commands/cmd
        public static IReadOnlyList<string> DefaultArgumentsFor(string extension, string path) => extension.ToLowerInvariant() switch
        {
            "ps1" => new[] { "-NoProfile", "-ExecutionPolicy", "Bypass", "-File" },
            "cmd" or "bat" or "btm" => IsCmd(path) ? new[] { "/d", "/c" } : new[] { "/c" },
            "c" => new[] { "-run" }, // tcc runs C source as a script
            "ts" => new[] { "run" }, // deno run <file>
            _ => Array.Empty<string>(),
        };

        /// <summary>Whether the program is cmd.exe (by file name, whatever folder it is in).</summary>
        public static bool IsCmd(string path)
        {
            string name = path.Substring(Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\')) + 1);
            return string.Equals(name, "cmd.exe", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "cmd", StringComparison.OrdinalIgnoreCase);
        }

        public override string ToString() => Extension + " → " + Path;
    }
}
