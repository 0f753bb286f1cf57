using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Outpost.Core.Protocol;

namespace Outpost.Core.Files
{
    /// <summary>One file or folder in a bundle.</summary>
    public sealed class BundleEntry
    {
        /// <summary>The path inside the bundle, '/'-separated (checked with <see cref="BundlePath.Check(string)"/>).</summary>
        public string Path { get; set; } = "";
        public bool IsFolder { get; set; }
        public long Bytes { get; set; }
        /// <summary>Lower-case hex SHA-256 of the file's bytes; empty for a folder.</summary>
        public string Sha256 { get; set; } = "";
        /// <summary>The file was executable where it came from (Unix mode bits); restored on Unix.</summary>
        public bool Executable { get; set; }
    }

    /// <summary>
    /// What travels with a job (its attachments and what to collect) or back with a result (its
    /// artifacts): a key=value file like every other in the share. File contents follow in parts, each
    /// a sidecar of this file (<c>&lt;name&gt;.1</c>, <c>.2</c>, …): the entries' bytes in order, cut
    /// into parts of at most <see cref="PartBytes"/> so a sync-based share moves and resumes them piecewise,
    /// and gzip-compressed part by part when asked. Every entry carries its SHA-256, checked on arrival.
    /// </summary>
    public sealed class BundleManifest
    {
        public const string Format = "outpost-files-v1";
        /// <summary>Parts of 64 MiB: large enough that a 1 GiB file is 16 files, small enough for a sync tool to move one at a time.</summary>
        public const long DefaultPartBytes = 64L * 1024 * 1024;
        /// <summary>The largest manifest read from a share (a million entries fit).</summary>
        public const long MaxManifestBytes = 256L * 1024 * 1024;
        internal const int MaxEntries = 1_000_000;

        public bool Compressed { get; set; }
        public long PartBytes { get; set; } = DefaultPartBytes;
        /// <summary>The size of each part as stored in the share (compressed when <see cref="Compressed"/>).</summary>
        public IList<long> Parts { get; } = new List<long>();
        public IList<BundleEntry> Entries { get; } = new List<BundleEntry>();
        /// <summary>Glob patterns of files to bring back after the job (a job's bundle only).</summary>
        public IList<string> Collect { get; } = new List<string>();
        /// <summary>The folder on the target the patterns are relative to; empty: the job's own folder.</summary>
        public string CollectFrom { get; set; } = "";

        public long TotalBytes => Entries.Sum(e => e.Bytes);
        public int FileCount => Entries.Count(e => !e.IsFolder);

        public KeyValueFile ToKeyValues()
        {
            var kv = new KeyValueFile()
                .Add("format", Format)
                .Add("compression", Compressed ? "gzip" : "none")
                .Add("part_bytes", Int(PartBytes))
                .Add("parts", Int(Parts.Count));
            for (int i = 0; i < Parts.Count; i++) kv.Add($"part.{i + 1}.bytes", Int(Parts[i]));
            kv.Add("entries", Int(Entries.Count));
            for (int i = 0; i < Entries.Count; i++)
            {
                var e = Entries[i];
                string n = Int(i + 1);
                kv.Add($"entry.{n}.path", BundlePath.Encode(e.Path));
                kv.Add($"entry.{n}.kind", e.IsFolder ? "folder" : "file");
                if (e.IsFolder) continue;
                kv.Add($"entry.{n}.bytes", Int(e.Bytes));
                kv.Add($"entry.{n}.sha256", e.Sha256);
                if (e.Executable) kv.Add($"entry.{n}.executable", "1");
            }
            if (CollectFrom.Length > 0) kv.Add("collect_from", BundlePath.Encode(CollectFrom));
            kv.Add("collect", Int(Collect.Count));
            for (int i = 0; i < Collect.Count; i++) kv.Add($"collect.{i + 1}", BundlePath.Encode(Collect[i]));
            return kv;
        }

        /// <summary>Parses a manifest read from a share; every count, size, hash and path is checked.</summary>
        /// <exception cref="FormatException">The manifest is malformed or names an unsafe path.</exception>
        public static BundleManifest Parse(byte[] bytes)
        {
            var kv = KeyValueFile.Parse(bytes, "file manifest");
            if (kv["format"] != Format) throw new FormatException($"not an {Format} manifest (format={kv["format"]})");
            var manifest = new BundleManifest
            {
                Compressed = kv["compression"] switch
                {
                    "none" => false,
                    "gzip" => true,
                    var other => throw new FormatException($"unknown compression \"{other}\""),
                },
                PartBytes = Count(kv, "part_bytes", long.MaxValue, min: 1),
                CollectFrom = BundlePath.Decode(kv["collect_from"] ?? ""),
            };
            long parts = Count(kv, "parts", MaxEntries);
            for (int i = 1; i <= parts; i++) manifest.Parts.Add(Count(kv, $"part.{i}.bytes", long.MaxValue));
            long entries = Count(kv, "entries", MaxEntries);
            // Two names that differ only in case are one file on Windows and macOS.
            var seen = new HashSet<string>(System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
                ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
            for (int i = 1; i <= entries; i++) manifest.Entries.Add(ParseEntry(kv, i, seen));
            long collect = Count(kv, "collect", 1000);
            for (int i = 1; i <= collect; i++)
            {
                string pattern = BundlePath.Decode(kv[$"collect.{i}"] ?? "");
                if (Glob.Check(pattern) is string bad) throw new FormatException($"collect.{i}: {bad}");
                manifest.Collect.Add(pattern);
            }
            if (manifest.Compressed ? manifest.Parts.Count == 0 && manifest.TotalBytes > 0 : manifest.Parts.Sum() != manifest.TotalBytes)
                throw new FormatException("the parts do not hold the entries' bytes");
            return manifest;
        }

        private static BundleEntry ParseEntry(KeyValueFile kv, int i, HashSet<string> seen)
        {
            string path = BundlePath.Decode(kv[$"entry.{i}.path"] ?? "");
            if (BundlePath.Check(path) is string unsafePath) throw new FormatException($"entry {i}: {unsafePath}");
            if (!seen.Add(path)) throw new FormatException($"entry {i}: \"{BundlePath.Printable(path)}\" is listed twice");
            var entry = new BundleEntry { Path = path };
            switch (kv[$"entry.{i}.kind"])
            {
                case "folder":
                    entry.IsFolder = true;
                    return entry;
                case "file":
                    entry.Bytes = Count(kv, $"entry.{i}.bytes", long.MaxValue);
                    entry.Sha256 = kv[$"entry.{i}.sha256"] ?? "";
                    if (entry.Sha256.Length != 64 || entry.Sha256.Any(c => !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')))
                        throw new FormatException($"entry {i}: sha256 is not 64 lower-case hex digits");
                    entry.Executable = kv[$"entry.{i}.executable"] == "1";
                    return entry;
                default:
                    throw new FormatException($"entry {i}: kind must be file or folder");
            }
        }

        private static long Count(KeyValueFile kv, string key, long max, long min = 0)
        {
            string? text = kv[key];
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
                throw new FormatException($"{key} must be a whole number {min}..{max}, not \"{BundlePath.Printable(text ?? "")}\"");
            return value;
        }

        private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
