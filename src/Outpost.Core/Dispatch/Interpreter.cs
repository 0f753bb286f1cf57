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
            Arguments = arguments ?? DefaultArgumentsFor(extension);
        }

        public string Extension { get; }
        public string Path { get; }
        public IReadOnlyList<string> Arguments { get; }

        /// <summary>v1's fixed arguments: ps1 gets -NoProfile -ExecutionPolicy Bypass -File; cmd, bat, btm get /c.</summary>
        public static IReadOnlyList<string> DefaultArgumentsFor(string extension) => extension.ToLowerInvariant() switch
        {
            "ps1" => new[] { "-NoProfile", "-ExecutionPolicy", "Bypass", "-File" },
            "cmd" or "bat" or "btm" => new[] { "/c" },
            "c" => new[] { "-run" }, // tcc runs C source as a script
            "ts" => new[] { "run" }, // deno run <file>
            _ => Array.Empty<string>(),
        };

        public override string ToString() => Extension + " → " + Path;
    }
}
