using System;
using System.Collections.Generic;
using System.Linq;

namespace Outpost.Core.Protocol
{
    /// <summary>The responder's advertisement, <c>inbox/dispatch.txt</c>.</summary>
    public sealed class DispatchInfo
    {
        /// <summary>0 when the file did not say (v1 treats a missing version as compatible).</summary>
        public int ProtocolVersion { get; set; } = Wire.ProtocolVersion;
        public int Pid { get; set; }
        public DateTime? Started { get; set; }
        public string ResponderName { get; set; } = "";
        public string Description { get; set; } = "";
        public IList<string> Tags { get; set; } = new List<string>();
        public string PlatformOs { get; set; } = "";
        public string PlatformArch { get; set; } = "";
        public string Cwd { get; set; } = "";
        public string CwdSource { get; set; } = "";
        public string Comspec { get; set; } = "";
        public int LaneCount { get; set; } = 1;
        public IDictionary<string, string> Tools { get; set; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Extensions in preference order (dispatch.order).</summary>
        public IList<string> Order { get; set; } = new List<string>();
        /// <summary>Extension → absolute interpreter path.</summary>
        public IDictionary<string, string> Interpreters { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
        /// <summary>Additive (v1 ignores it): the file system the responder found the share on (ext4, fuse.sshfs, nfs4 ...).</summary>
        public string ShareFs { get; set; } = "";
        /// <summary>Additive: how the responder notices new jobs there (notifications, dir-stamp, listing).</summary>
        public string ShareWatch { get; set; } = "";
        /// <summary>Outpost additions this responder serves (outpost_features; a v1 peer neither writes nor reads it).</summary>
        public IList<string> Features { get; set; } = new List<string>();
        public const string SessionsFeature = "sessions";

        public KeyValueFile ToKeyValues()
        {
            var kv = new KeyValueFile();
            kv.Add("protocol_version", WireValues.Int(ProtocolVersion));
            AddIfSet(kv, "pid", Pid > 0 ? WireValues.Int(Pid) : "");
            AddIfSet(kv, "started", ProtocolTime.ToWire(Started));
            AddIfSet(kv, "responder_name", ResponderName);
            AddIfSet(kv, "responder_description", Description);
            AddIfSet(kv, "responder_tags", string.Join(",", Tags));
            AddIfSet(kv, "platform.os", PlatformOs);
            AddIfSet(kv, "platform.arch", PlatformArch);
            AddIfSet(kv, "cwd", Cwd);
            AddIfSet(kv, "cwd_source", CwdSource);
            AddIfSet(kv, "comspec", Comspec);
            kv.Add("lane_count", WireValues.Int(LaneCount));
            AddIfSet(kv, "share_fs", ShareFs);
            AddIfSet(kv, "share_watch", ShareWatch);
            foreach (var tool in Tools.OrderBy(t => t.Key, StringComparer.Ordinal)) kv.Add("tools." + tool.Key, tool.Value);
            AddIfSet(kv, "outpost_features", string.Join(",", Features));
            AddIfSet(kv, "dispatch.order", string.Join(",", Order));
            foreach (string ext in Order)
            {
                if (Interpreters.TryGetValue(ext, out var path)) kv.Add("dispatch." + ext, path);
            }
            foreach (var extra in Interpreters.Where(i => !Order.Contains(i.Key)).OrderBy(i => i.Key, StringComparer.Ordinal))
                kv.Add("dispatch." + extra.Key, extra.Value);
            return kv;
        }

        public static DispatchInfo FromKeyValues(KeyValueFile kv)
        {
            var info = new DispatchInfo
            {
                ProtocolVersion = WireValues.ParseInt(kv["protocol_version"], 0),
                Pid = WireValues.ParseInt(kv["pid"]),
                Started = WireValues.ParseTimeOrNull(kv["started"]),
                ResponderName = kv["responder_name"] ?? "",
                Description = kv["responder_description"] ?? "",
                Tags = SplitList(kv["responder_tags"]),
                PlatformOs = kv["platform.os"] ?? "",
                PlatformArch = kv["platform.arch"] ?? "",
                Cwd = kv["cwd"] ?? "",
                CwdSource = kv["cwd_source"] ?? "",
                Comspec = kv["comspec"] ?? "",
                LaneCount = Math.Max(1, WireValues.ParseInt(kv["lane_count"], 1)),
                Order = SplitList(kv["dispatch.order"]),
                ShareFs = kv["share_fs"] ?? "",
                ShareWatch = kv["share_watch"] ?? "",
                Features = SplitList(kv["outpost_features"]),
            };
            foreach (var pair in kv.Pairs)
            {
                if (pair.Key.StartsWith("tools.", StringComparison.Ordinal))
                    info.Tools[pair.Key.Substring("tools.".Length)] = pair.Value;
                else if (pair.Key.StartsWith("dispatch.", StringComparison.Ordinal) && pair.Key != "dispatch.order")
                    info.Interpreters[pair.Key.Substring("dispatch.".Length)] = pair.Value;
            }
            return info;
        }

        public static DispatchInfo Parse(byte[] bytes, string? source = null) => FromKeyValues(KeyValueFile.Parse(bytes, source));

        private static void AddIfSet(KeyValueFile kv, string key, string value)
        {
            if (!string.IsNullOrEmpty(value)) kv.Add(key, value);
        }

        private static IList<string> SplitList(string? text) =>
            (text ?? "").Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
    }
}
