using System;
using System.IO;
using Outpost.Core.Responding;

namespace Outpost.Core.Config
{
    /// <summary>
    /// Where v1 keeps its configuration: <c>$XDG_CONFIG_HOME/outpost/</c>, else <c>~/.config/outpost/</c>;
    /// on Windows <c>%APPDATA%\outpost\</c>.
    /// </summary>
    public static class ConfigPaths
    {
        public static string ConfigFolder()
        {
            if (HostPlatform.IsWindows)
            {
                string appData = Environment.GetEnvironmentVariable("APPDATA") ??
                                 Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
                return Path.Combine(appData, "outpost");
            }
            string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (!string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg!, "outpost");
            string home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".config", "outpost");
        }

        /// <summary>targets.toml: an explicit path, else OUTPOST_TARGETS, else the default folder.</summary>
        public static string TargetsFile(string? explicitPath = null) =>
            FirstSet(explicitPath, Environment.GetEnvironmentVariable("OUTPOST_TARGETS")) ?? Path.Combine(ConfigFolder(), "targets.toml");

        /// <summary>outpost.toml: an explicit path, else OUTPOST_CONFIG, else the default folder.</summary>
        public static string ResponderFile(string? explicitPath = null) =>
            FirstSet(explicitPath, Environment.GetEnvironmentVariable("OUTPOST_CONFIG")) ?? Path.Combine(ConfigFolder(), "outpost.toml");

        private static string? FirstSet(params string?[] values)
        {
            foreach (string? value in values)
                if (!string.IsNullOrWhiteSpace(value)) return Path.GetFullPath(value!);
            return null;
        }
    }
}
