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
