using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Config;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Transport;

namespace Outpost.Core.Probing
{
    /// <summary>What initializing a target would write, so -WhatIf can show it before anything is written.</summary>
    public sealed class TargetInitPlan
    {
        public string Id { get; set; } = "";
        public string Root { get; set; } = "";
        public string Folder { get; set; } = "";
        public string ConfigPath { get; set; } = "";
        /// <summary>The share folder (what -Path takes).</summary>
        public string Path { get; set; } = "";
        public int LaneCount { get; set; } = 1;
        public string ConfigText { get; set; } = "";
        public IReadOnlyList<ProbedInterpreter> Interpreters { get; set; } = Array.Empty<ProbedInterpreter>();
        public bool ConfigExists { get; set; }
        /// <summary>The responder_name outpost.toml gives.</summary>
        public string ResponderName { get; set; } = "";

        /// <summary>One line for -WhatIf and -Verbose: the file itself is in <see cref="ConfigText"/>.</summary>
        public string Summary
        {
            get
            {
                var runs = Interpreters.Where(p => p.Works).Select(p => "." + p.Extension).ToList();
                return $"responder \"{ResponderName}\", {LaneCount} lane(s), runs {(runs.Count > 0 ? string.Join(", ", runs) : "nothing (no interpreter passed its smoke test)")}";
            }
        }

        public override string ToString() => $"{Id}: {ConfigPath}";
    }

    /// <summary>
    /// v1's <c>target init</c>: a target root holds &lt;id&gt;/outpost.toml and the share at &lt;id&gt;/share/.
    /// The id defaults to the responder name when that is a valid id, else &lt;os&gt;-&lt;arch&gt;, and must match
    /// [a-z0-9_-]{1,64}.
    /// </summary>
    public static class TargetInitializer
    {
        public static string DefaultRoot() =>
            System.IO.Path.GetFullPath(Environment.GetEnvironmentVariable("OUTPOST_TARGET_ROOT") is string r && r.Length > 0 ? r : "targets");

        public static string DefaultId() => HostPlatform.Os + "-" + HostPlatform.Arch;

        public static TargetInitPlan Plan(string? root, string? id, string? responderName, int laneCount, IReadOnlyList<ProbedInterpreter> probed)
        {
            // Named but not given an id: the folder takes the name (ux-vm/, not linux-amd64/), as a user expects.
            string targetId = id ?? (TargetRegistry.IsValidName(responderName) ? responderName! : DefaultId());
            if (!TargetRegistry.IsValidName(targetId))
                throw new OutpostException("InvalidTargetId", OutpostErrorKind.InvalidArgument,
                    $"target id \"{targetId}\" must be 1..64 characters of a-z, 0-9, '_' or '-'", targetId);
            if (laneCount < 1 || laneCount > 64)
                throw new OutpostException("InvalidLaneCount", OutpostErrorKind.InvalidArgument, "lanes must be 1..64", laneCount);
            string rootFolder = System.IO.Path.GetFullPath(root ?? DefaultRoot());
            string folder = System.IO.Path.Combine(rootFolder, targetId);
            var config = FromProbe(probed, responderName ?? targetId, laneCount);
            string configPath = System.IO.Path.Combine(folder, "outpost.toml");
            return new TargetInitPlan
            {
                Id = targetId,
                Root = rootFolder,
                Folder = folder,
                ConfigPath = configPath,
                Path = System.IO.Path.Combine(folder, "share"),
                LaneCount = laneCount,
                ConfigText = config.Render(),
                Interpreters = probed,
                ConfigExists = File.Exists(configPath),
                ResponderName = config.Name ?? targetId,
            };
        }

        /// <summary>The configuration a probe supports: every interpreter that passed its smoke test, in probe order.</summary>
        public static ResponderConfig FromProbe(IReadOnlyList<ProbedInterpreter> probed, string? responderName, int laneCount)
        {
            var working = probed.Where(p => p.Works).ToList();
            var config = new ResponderConfig
            {
                Name = responderName,
                LaneCount = laneCount,
                Enabled = working.Select(p => p.Extension).ToList(),
            };
            foreach (var p in working)
            {
                config.Paths[p.Extension] = p.Path.Replace('\\', '/');
                if (p.Version.Length > 0) config.Versions[p.Extension] = p.Version;
            }
            return config;
        }

        /// <summary>Writes outpost.toml (refusing to replace one unless forced) and creates the share's folders.</summary>
        public static void Apply(TargetInitPlan plan, bool force)
        {
            if (plan.ConfigExists && !force)
                throw new OutpostException("TargetExists", OutpostErrorKind.InvalidOperation,
                    $"{plan.ConfigPath} already exists; use -Force (--force) to replace it", plan.ConfigPath);
            var layout = new ShareLayout(plan.Path);
            foreach (string dir in new[] { layout.Inbox, layout.Outbox, layout.Cancel, layout.Log })
                Directory.CreateDirectory(dir);
            for (int lane = 1; lane <= plan.LaneCount; lane++)
            {
                Directory.CreateDirectory(layout.InboxLane(lane));
                Directory.CreateDirectory(layout.OutboxLane(lane));
                Directory.CreateDirectory(layout.CancelLane(lane));
                Directory.CreateDirectory(layout.LogLane(lane));
            }
            AtomicFile.Write(plan.ConfigPath, new UTF8Encoding(false).GetBytes(plan.ConfigText));
        }
    }
}
