using System;
using System.Linq;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;

namespace Outpost.PowerShell
{
    /// <summary>Resolves -Target names through the user's targets.toml registry.</summary>
    internal static class TargetNames
    {
        public static OutpostTarget Resolve(string? name, string? registryPath = null)
        {
            var registry = TargetRegistry.Load(ConfigPaths.TargetsFile(registryPath));
            var entry = registry.Resolve(name);
            return OutpostTarget.FromEntry(entry);
        }

        /// <summary>
        /// A share addressed by folder: when the folder is registered, the target keeps its registry entry's
        /// expected name and pinned responder key, so a job piped from another cmdlet is checked the same way.
        /// </summary>
        public static OutpostTarget ForPath(string fullPath, string? name)
        {
            try
            {
                var entry = TargetRegistry.LoadDefault().Targets.FirstOrDefault(t => PathsEqual(t.Path, fullPath));
                if (entry != null) return OutpostTarget.FromEntry(entry);
            }
            catch (OutpostException) { }
            return new OutpostTarget(fullPath, string.IsNullOrEmpty(name) ? fullPath : name);
        }

        /// <summary>The registry name of a share folder, or the folder itself when it is not registered.</summary>
        public static string NameForPath(string path)
        {
            try
            {
                var entry = TargetRegistry.LoadDefault().Targets.FirstOrDefault(t => PathsEqual(t.Path, path));
                return entry?.Name ?? path;
            }
            catch (OutpostException)
            {
                return path;
            }
        }

        private static bool PathsEqual(string a, string b) =>
            string.Equals(System.IO.Path.GetFullPath(a).TrimEnd('/', '\\'), System.IO.Path.GetFullPath(b).TrimEnd('/', '\\'),
                Core.Responding.HostPlatform.IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }
}
