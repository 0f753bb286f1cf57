using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Dispatch;
using Outpost.Core.Responding;
using Outpost.Core.Toml;

namespace Outpost.Core.Config
{
    /// <summary>
    /// The responder's outpost.toml, in v1's layout: [responder] name/description/tags, [platform],
    /// [capabilities] lane_count and tools, [dispatch] enabled order with [dispatch.path] and
    /// [dispatch.version]. Outpost adds [policy] (what a job may be), which a v1 responder ignores.
    /// </summary>
    public sealed class ResponderConfig
    {
        public string FilePath { get; set; } = "";
        public string? Name { get; set; }
        public string? Description { get; set; }
        public IList<string> Tags { get; set; } = new List<string>();
        public string? PlatformOs { get; set; }
        public string? PlatformArch { get; set; }
        public int? LaneCount { get; set; }
        public IDictionary<string, string> Tools { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Extensions in preference order; null means every interpreter found on PATH.</summary>
        public IList<string>? Enabled { get; set; }
        public IDictionary<string, string> Paths { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public IDictionary<string, string> Versions { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        public JobPolicy Policy { get; set; } = new JobPolicy();
        /// <summary>[trust]: signed jobs. Null when the file has no [trust] table.</summary>
        public Outpost.Core.Trust.TrustPolicy? Trust { get; set; }
        /// <summary>[trust] result_key: the responder's private key file; every result is signed with it.</summary>
        public Outpost.Core.Trust.OutpostKey? ResultKey { get; set; }
        public IList<string> Warnings { get; } = new List<string>();
        /// <summary>[warm]: started interpreters waiting for the next job (Outpost's; v1 ignores it).</summary>
        public WarmSettings Warm { get; set; } = new WarmSettings();
        /// <summary>[sessions]: session workers (Outpost's; v1 ignores it).</summary>
        public Outpost.Core.Sessions.SessionSettings Sessions { get; set; } = new Outpost.Core.Sessions.SessionSettings();

        public static ResponderConfig Load(string path)
        {
            string text;
            try { text = new UTF8Encoding(false, true).GetString(File.ReadAllBytes(path)); }
            catch (FileNotFoundException e)
            {
                throw new OutpostException("ConfigNotFound", OutpostErrorKind.NotFound, $"no responder configuration at {path}", path, e);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is DecoderFallbackException)
            {
                throw new OutpostException("ConfigUnreadable", OutpostErrorKind.InvalidData, $"cannot read {path}: {e.Message}", path, e);
            }
            try { return FromToml(TomlReader.Instance.Parse(text, path), path); }
            catch (TomlException e)
            {
                throw new OutpostException("ConfigInvalid", OutpostErrorKind.InvalidData, e.Message, path, e);
            }
        }

        public static ResponderConfig FromToml(TomlTable root, string path)
        {
            var config = new ResponderConfig { FilePath = path };
            if (root.GetTable("responder") is TomlTable responder)
            {
                config.Name = responder.GetString("name");
                config.Description = responder.GetString("description");
                config.Tags = responder.GetStringArray("tags") ?? new List<string>();
            }
            if (root.GetTable("platform") is TomlTable platform)
            {
                config.PlatformOs = platform.GetString("os");
                config.PlatformArch = platform.GetString("arch");
            }
            if (root.GetTable("capabilities") is TomlTable capabilities)
            {
                long? lanes = capabilities.GetLong("lane_count");
                if (lanes.HasValue && (lanes < 1 || lanes > 64))
                    throw new TomlException(path, capabilities.GetLine("lane_count"), 1, "lane_count must be 1..64");
                config.LaneCount = (int?)lanes;
                if (capabilities.GetTable("tools") is TomlTable tools)
                    foreach (var tool in tools) config.Tools[tool.Key] = tool.Value?.ToString() ?? "";
            }
            if (root.GetTable("dispatch") is TomlTable dispatch)
            {
                config.Enabled = dispatch.GetStringArray("enabled");
                if (dispatch.GetTable("path") is TomlTable paths)
                    foreach (var p in paths) config.Paths[p.Key] = p.Value as string ?? throw new TomlException(path, paths.GetLine(p.Key), 1, $"dispatch.path.{p.Key} must be a string");
                if (dispatch.GetTable("version") is TomlTable versions)
                    foreach (var v in versions) config.Versions[v.Key] = v.Value?.ToString() ?? "";
            }
            if (root.GetTable("policy") is TomlTable policy) config.Policy = JobPolicy.FromToml(policy);
            if (root.GetTable("trust") is TomlTable trust)
            {
                config.Trust = TrustFromToml(trust, path);
                config.ResultKey = ResultKeyFromToml(trust, path);
            }
            if (root.GetTable("warm") is TomlTable warm) config.Warm = WarmSettings.FromToml(warm, path);
            if (root.GetTable("sessions") is TomlTable sessions) config.Sessions = Outpost.Core.Sessions.SessionSettings.FromToml(sessions, path);
            return config;
        }

        /// <summary>
        /// [trust] require_signature = true; trusted_keys = ["outpost-ecdsa-p256 AAAA… name" or a .pub file path];
        /// signature_window_hours = 24.
        /// </summary>
        private static Outpost.Core.Trust.OutpostKey? ResultKeyFromToml(TomlTable trust, string path)
        {
            string? file = trust.GetString("result_key");
            if (string.IsNullOrWhiteSpace(file)) return null;
            string full = Path.IsPathRooted(file) ? file! : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "", file!);
            try
            {
                var key = Outpost.Core.Trust.OutpostKey.Load(full);
                if (!key.HasPrivateKey) throw new FormatException("it holds a public key; result_key needs the private key (.key)");
                return key;
            }
            catch (Exception e) when (e is IOException || e is FormatException || e is UnauthorizedAccessException)
            {
                throw new TomlException(path, trust.GetLine("result_key"), 1, "result_key: " + e.Message);
            }
        }

        private static Outpost.Core.Trust.TrustPolicy TrustFromToml(TomlTable trust, string path)
        {
            var policy = new Outpost.Core.Trust.TrustPolicy { RequireSignature = trust.GetBool("require_signature") ?? false };
            string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            foreach (string entry in trust.GetStringArray("trusted_keys") ?? new List<string>())
            {
                try
                {
                    policy.TrustedKeys.Add(entry.TrimStart().StartsWith(Outpost.Core.Trust.OutpostKey.PublicKeyPrefix, StringComparison.Ordinal)
                        ? Outpost.Core.Trust.OutpostKey.ParsePublicKey(entry)
                        : Outpost.Core.Trust.OutpostKey.Load(Path.IsPathRooted(entry) ? entry : Path.Combine(folder, entry)));
                }
                catch (Exception e) when (e is FormatException || e is OutpostException)
                {
                    throw new TomlException(path, trust.GetLine("trusted_keys"), 1, "trusted_keys: " + e.Message);
                }
            }
            long? hours = trust.GetLong("signature_window_hours");
            if (hours.HasValue)
            {
                if (hours < 1) throw new TomlException(path, trust.GetLine("signature_window_hours"), 1, "signature_window_hours must be 1 or more");
                policy.Window = TimeSpan.FromHours(hours.Value);
            }
            if (policy.RequireSignature && policy.TrustedKeys.Count == 0)
                throw new TomlException(path, trust.GetLine("require_signature"), 1, "require_signature is set but trusted_keys is empty: no job could ever run");
            return policy;
        }

        /// <summary>v1 refuses to start on a host other than the one the file was written for.</summary>
        public void CheckPlatform()
        {
            if ((PlatformOs != null && PlatformOs != HostPlatform.Os) || (PlatformArch != null && PlatformArch != HostPlatform.Arch))
                throw new OutpostException("PlatformMismatch", OutpostErrorKind.InvalidOperation,
                    $"{FilePath} was written for {PlatformOs}/{PlatformArch}, but this host is {HostPlatform.Os}/{HostPlatform.Arch}; " +
                    "run Initialize-OutpostTarget (outpost target init) on this host, or remove [platform]", FilePath);
        }

        /// <summary>The dispatch table: enabled extensions in order, each with its configured path or the one found on PATH.</summary>
        public InterpreterTable BuildInterpreters()
        {
            var discovered = InterpreterTable.Discover();
            if (Enabled == null)
            {
                foreach (var configured in Paths) discovered.Set(configured.Key, configured.Value);
                return discovered;
            }
            var table = new InterpreterTable();
            foreach (string ext in Enabled)
            {
                string? path = Paths.TryGetValue(ext, out var p) ? p : discovered.Find(ext)?.Path;
                if (path == null)
                {
                    Warnings.Add($"{FilePath}: .{ext} is enabled but has no interpreter (add dispatch.path.{ext}); skipped");
                    continue;
                }
                if (!File.Exists(path)) Warnings.Add($"{FilePath}: the interpreter for .{ext} ({path}) does not exist");
                table.Set(ext, path);
            }
            return table;
        }

        /// <summary>Writes outpost.toml text for a probed host, in v1's layout.</summary>
        public string Render()
        {
            var text = new StringBuilder();
            text.Append("# outpost.toml: responder configuration (outpost wire protocol v1)\n");
            text.Append("[responder]\n");
            if (Name != null) text.Append("name = ").Append(TargetsFileEditor.Quote(Name)).Append('\n');
            if (Description != null) text.Append("description = ").Append(TargetsFileEditor.Quote(Description)).Append('\n');
            if (Tags.Count > 0) text.Append("tags = [").Append(string.Join(", ", Tags.Select(TargetsFileEditor.Quote))).Append("]\n");
            text.Append("\n[platform]\nos = ").Append(TargetsFileEditor.Quote(PlatformOs ?? HostPlatform.Os))
                .Append("\narch = ").Append(TargetsFileEditor.Quote(PlatformArch ?? HostPlatform.Arch)).Append('\n');
            text.Append("\n[capabilities]\nlane_count = ").Append(LaneCount ?? 1).Append('\n');
            if (Tools.Count > 0)
            {
                text.Append("\n[capabilities.tools]\n");
                foreach (var tool in Tools) text.Append(Key(tool.Key)).Append(" = ").Append(TargetsFileEditor.Quote(tool.Value)).Append('\n');
            }
            text.Append("\n[dispatch]\nenabled = [").Append(string.Join(", ", (Enabled ?? new List<string>()).Select(TargetsFileEditor.Quote))).Append("]\n");
            text.Append("\n[dispatch.path]\n");
            foreach (var p in Paths) text.Append(Key(p.Key)).Append(" = ").Append(TargetsFileEditor.Quote(p.Value)).Append('\n');
            if (Versions.Count > 0)
            {
                text.Append("\n[dispatch.version]\n");
                foreach (var v in Versions) text.Append(Key(v.Key)).Append(" = ").Append(TargetsFileEditor.Quote(v.Value)).Append('\n');
            }
            return text.ToString();
        }

        private static string Key(string key) => TargetRegistry.IsValidName(key) || key.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-') ? key : TargetsFileEditor.Quote(key);
    }
}
