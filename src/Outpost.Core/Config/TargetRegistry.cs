using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Outpost.Core.Toml;

namespace Outpost.Core.Config
{
    /// <summary>
    /// The submitter's named targets, from targets.toml: explicit <c>[target.NAME]</c> entries plus
    /// folders found by <c>scan</c>. A bad entry is skipped with a warning naming it, so one mistake
    /// does not take the good entries down with it.
    /// </summary>
    public sealed class TargetRegistry
    {
        private static readonly Regex TargetName = new Regex("^[a-z0-9_-]{1,64}$", RegexOptions.CultureInvariant);

        public TargetRegistry(string filePath) => FilePath = filePath;

        public string FilePath { get; }
        public bool FileExists { get; private set; }
        public string? Default { get; private set; }
        public IList<TargetEntry> Targets { get; } = new List<TargetEntry>();
        public IList<string> Warnings { get; } = new List<string>();
        /// <summary>Entries that were refused, by name, with the reason (asked for by name, they give this error).</summary>
        public IDictionary<string, string> Refused { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

        public static bool IsValidName(string? name) => name != null && TargetName.IsMatch(name);

        public static TargetRegistry LoadDefault() => Load(ConfigPaths.TargetsFile());

        public static TargetRegistry Load(string filePath)
        {
            var registry = new TargetRegistry(Path.GetFullPath(filePath));
            if (!File.Exists(registry.FilePath)) return registry;
            registry.FileExists = true;
            string text;
            try { text = File.ReadAllText(registry.FilePath); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new OutpostException("RegistryUnreadable", OutpostErrorKind.PermissionDenied, $"cannot read {registry.FilePath}: {e.Message}", registry.FilePath, e);
            }
            TomlTable root;
            try { root = TomlReader.Instance.Parse(text, registry.FilePath); }
            catch (TomlException e)
            {
                throw new OutpostException("RegistryInvalid", OutpostErrorKind.InvalidData, e.Message, registry.FilePath, e);
            }
            registry.Fill(root);
            return registry;
        }

        /// <summary>The named target, or the default one (the <c>default</c> key, or the only target).</summary>
        public TargetEntry Resolve(string? name)
        {
            if (string.IsNullOrEmpty(name))
            {
                string? fallback = Default ?? (Targets.Count == 1 ? Targets[0].Name : null);
                if (fallback is null)
                    throw new OutpostException("TargetNotSpecified", OutpostErrorKind.InvalidArgument,
                        Targets.Count == 0
                            ? $"no target given and no targets are registered in {FilePath}; use -Path <share folder>, or register one with Add-OutpostTarget"
                            : $"no target given and {FilePath} names no default among {string.Join(", ", Targets.Select(t => t.Name))}; use -Target <name>",
                        FilePath);
                name = fallback;
            }
            var entry = Targets.FirstOrDefault(t => t.Name == name);
            if (entry != null) return entry;
            if (Refused.TryGetValue(name!, out string? why))
                throw new OutpostException("TargetInvalid", OutpostErrorKind.InvalidData, why, name);
            string known = Targets.Count == 0 ? "none are registered" : "known: " + string.Join(", ", Targets.Select(t => t.Name));
            throw new OutpostException("TargetNotFound", OutpostErrorKind.NotFound,
                $"no target named \"{name}\" in {FilePath} ({known})", name);
        }

        private void Fill(TomlTable root)
        {
            string folder = Path.GetDirectoryName(FilePath) ?? ".";
            Default = TryGet(() => root.GetString("default"), "default");
            if (root.TryGetValue("target", out object? targetsValue))
            {
                if (targetsValue is TomlTable targets)
                {
                    foreach (var pair in targets) AddExplicit(pair.Key, pair.Value, folder);
                }
                else Warnings.Add($"{FilePath}: \"target\" must be a table of [target.NAME] entries; ignored");
            }
            var scan = TryGet(() => root.GetStringArray("scan"), "scan");
            foreach (string scanPath in scan ?? (IList<string>)Array.Empty<string>()) Scan(ResolvePath(scanPath, folder));
            if (Default != null && Targets.All(t => t.Name != Default))
                Warnings.Add($"{FilePath}: default = \"{Default}\" names no registered target");
            foreach (var t in Targets) t.IsDefault = t.Name == (Default ?? (Targets.Count == 1 ? t.Name : null));
        }

        private void AddExplicit(string name, object value, string folder)
        {
            string where = $"{FilePath}: [target.{name}]";
            if (!IsValidName(name)) { Refuse(name, $"{where}: the name must be 1..64 characters of a-z, 0-9, '_' or '-'"); return; }
            if (!(value is TomlTable table)) { Refuse(name, $"{where} must be a table"); return; }
            try
            {
                string transport = table.GetString("transport") ?? "file";
                if (transport != "file")
                {
                    Refuse(name, $"{where}: transport \"{transport}\" is not supported (wire protocol v1 knows only \"file\")");
                    return;
                }
                string? path = table.GetString("path");
                if (string.IsNullOrWhiteSpace(path)) { Refuse(name, $"{where} has no path = \"<share folder>\""); return; }
                Targets.Add(new TargetEntry
                {
                    Name = name,
                    Path = ResolvePath(path!, folder),
                    Transport = transport,
                    ExpectedName = table.GetString("expected_name") ?? "",
                    ResponderKey = PinnedKey(table, folder),
                    Source = "targets.toml",
                });
            }
            catch (TomlException e)
            {
                Refuse(name, $"{where}: {e.Message}");
            }
        }

        /// <summary>responder_key = "outpost-ecdsa-p256 AAAA…" or a .pub file path: the key every result of this target must be signed with.</summary>
        private static Trust.OutpostKey? PinnedKey(TomlTable table, string folder)
        {
            string? value = table.GetString("responder_key");
            if (string.IsNullOrWhiteSpace(value)) return null;
            try
            {
                return value!.TrimStart().StartsWith(Trust.OutpostKey.PublicKeyPrefix, StringComparison.Ordinal)
                    ? Trust.OutpostKey.ParsePublicKey(value)
                    : Trust.OutpostKey.Load(Path.IsPathRooted(value) ? value : Path.Combine(folder, value));
            }
            catch (Exception e) when (e is FormatException || e is IOException || e is UnauthorizedAccessException)
            {
                throw new TomlException(table.SourceName, table.GetLine("responder_key"), 1, "responder_key: " + e.Message);
            }
        }

        /// <summary>Each child folder holding outpost.toml is a target named after the folder, share at child/share.</summary>
        private void Scan(string scanFolder)
        {
            if (!Directory.Exists(scanFolder))
            {
                Warnings.Add($"{FilePath}: scan folder {scanFolder} does not exist");
                return;
            }
            foreach (string child in Directory.GetDirectories(scanFolder).OrderBy(d => d, StringComparer.Ordinal))
            {
                if (!File.Exists(Path.Combine(child, "outpost.toml"))) continue;
                string name = Path.GetFileName(child);
                if (!IsValidName(name))
                {
                    Warnings.Add($"{FilePath}: scanned folder \"{name}\" is not a valid target name (a-z, 0-9, '_', '-'); skipped");
                    continue;
                }
                if (Targets.Any(t => t.Name == name)) continue; // explicit entries win
                Targets.Add(new TargetEntry { Name = name, Path = Path.Combine(child, "share"), Source = scanFolder });
            }
        }

        private void Refuse(string name, string why)
        {
            Warnings.Add(why + "; skipped");
            Refused[name] = why;
        }

        private T? TryGet<T>(Func<T?> get, string key) where T : class
        {
            try { return get(); }
            catch (TomlException e)
            {
                Warnings.Add($"{FilePath}: {key}: {e.Message}; ignored");
                return null;
            }
        }

        private static string ResolvePath(string path, string baseFolder)
        {
            string expanded = path.StartsWith("~/", StringComparison.Ordinal) || path == "~"
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Substring(Math.Min(2, path.Length)))
                : path;
            return Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(baseFolder, expanded));
        }
    }
}
