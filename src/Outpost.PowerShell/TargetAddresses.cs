using System;
using System.Collections.Generic;

namespace Outpost.PowerShell
{
    /// <summary>The targets a cmdlet with -Target &lt;string[]&gt; and -Path &lt;string[]&gt; addresses.</summary>
    internal static class TargetAddresses
    {
        /// <summary>
        /// Each -Target name and each -Path is one target. When both are given one for one (as a single
        /// -Path with its -Target, or objects that carry both), each name labels its path instead, as a
        /// single -Path -Target always has. Neither: the registry's default target.
        /// </summary>
        public static IEnumerable<(string? Name, string? Path)> From(string[]? targets, string[]? paths)
        {
            var names = targets ?? Array.Empty<string>();
            var folders = paths ?? Array.Empty<string>();
            if (names.Length > 0 && names.Length == folders.Length)
            {
                for (int i = 0; i < names.Length; i++) yield return (names[i], folders[i]);
                yield break;
            }
            foreach (string name in names) yield return (name, null);
            foreach (string path in folders) yield return (null, path);
            if (targets == null && paths == null) yield return (null, null);
        }
    }
}
