using System;
using System.Collections.Generic;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;

namespace Outpost.Core.Responding
{
    /// <summary>Everything a responder can be told; defaults are v1's.</summary>
    public sealed class ResponderOptions
    {
        public string SharePath { get; set; } = "";
        /// <summary>0 means unset: outpost.toml's lane_count, else 1.</summary>
        public int LaneCount { get; set; }
        /// <summary>outpost.toml to read (and watch for changes); null means none.</summary>
        public string? ConfigPath { get; set; }
        /// <summary>What jobs may be; null accepts anything the dispatch table can run.</summary>
        public Config.JobPolicy? Policy { get; set; }
        /// <summary>Signed-job rules; null or inactive runs unsigned jobs as v1 does.</summary>
        public Trust.TrustPolicy? Trust { get; set; }
        /// <summary>Advertised as responder_name; defaults to the host name.</summary>
        public string? Name { get; set; }
        public string? Description { get; set; }
        public IList<string> Tags { get; set; } = new List<string>();
        public IDictionary<string, string> Tools { get; set; } = new Dictionary<string, string>();
        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(Wire.DefaultPollSeconds);
        /// <summary>How long a job whose files are still arriving (a sync delivered the job first) is waited for before it is refused.</summary>
        public TimeSpan FilesGrace { get; set; } = TimeSpan.FromMinutes(10);
        public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(Wire.DefaultTimeoutSeconds);
        public int RetainDays { get; set; } = Wire.DefaultRetainDays;
        /// <summary>Where jobs run; null means the responder's own working folder.</summary>
        public string? WorkingDirectory { get; set; }
        /// <summary>The dispatch table; null means discover interpreters on PATH.</summary>
        public InterpreterTable? Interpreters { get; set; }
        public long OutputCapBytes { get; set; } = Wire.DefaultOutputCapBytes;
        /// <summary>React to file-system notifications (polling stays on as the safety net).</summary>
        public bool UseWatcher { get; set; } = true;
        /// <summary>Poll fast for a while after activity, so bursts over a network share flow quickly.</summary>
        public bool AdaptivePolling { get; set; } = true;
        /// <summary>Lanes' heartbeat cadence; v1 writes status about every 2 s.</summary>
        public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);
        /// <summary>
        /// The responder's own record of jobs started and finished (outside the share); null means the
        /// default under the user's state folder, keyed by the resolved share path. "" keeps it in memory.
        /// </summary>
        public string? JobRecordPath { get; set; }
        /// <summary>The responder's private key: each result is signed with it (an additive .result.sig sidecar); null signs nothing.</summary>
        public Trust.OutpostKey? ResultKey { get; set; }

        /// <summary>Warm spares; null means outpost.toml's [warm], else the defaults (on for .ps1 and .sh).</summary>
        public WarmSettings? Warm { get; set; }
        /// <summary>Session workers; null means outpost.toml's [sessions], else the defaults.</summary>
        public Sessions.SessionSettings? Sessions { get; set; }

        /// <summary>Creates the dispatcher; null means the subprocess dispatcher.</summary>
        public Func<Func<InterpreterTable>, string, IJobDispatcher>? DispatcherFactory { get; set; }

        /// <summary>
        /// The options in force: these (the flags) first, then outpost.toml, then defaults.
        /// A fresh object, so a reload can be merged again from the same flags.
        /// </summary>
        public ResponderOptions Resolve(Config.ResponderConfig? config)
        {
            var resolved = (ResponderOptions)MemberwiseClone();
            resolved.LaneCount = LaneCount > 0 ? LaneCount : config?.LaneCount ?? 1;
            resolved.Name = Name ?? config?.Name;
            resolved.Description = Description ?? config?.Description;
            resolved.Tags = Tags.Count > 0 ? Tags : config?.Tags ?? new List<string>();
            resolved.Tools = Tools.Count > 0 ? Tools : config?.Tools ?? new Dictionary<string, string>();
            resolved.Interpreters = Interpreters ?? config?.BuildInterpreters();
            resolved.Policy = Policy ?? config?.Policy;
            resolved.Warm = Warm ?? config?.Warm ?? new WarmSettings();
            resolved.Sessions = Sessions ?? config?.Sessions ?? new Sessions.SessionSettings();
            resolved.Trust = Trust ?? config?.Trust;
            resolved.ResultKey = ResultKey ?? config?.ResultKey;
            if (resolved.Trust is { LedgerPath: null } trust && !string.IsNullOrEmpty(SharePath))
                trust.LedgerPath = Outpost.Core.Trust.TrustPolicy.DefaultLedgerPath(SharePath);
            return resolved;
        }

        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(SharePath)) throw new ArgumentException("the share folder is not set (use --dir / -Path)");
            if (LaneCount < 0 || LaneCount > 64) throw new ArgumentOutOfRangeException(nameof(LaneCount), LaneCount, "lanes must be 1..64");
            if (PollInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "the poll interval must be positive");
            if (DefaultTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DefaultTimeout), DefaultTimeout, "the default timeout must be positive");
            if (RetainDays < 0) throw new ArgumentOutOfRangeException(nameof(RetainDays), RetainDays, "retention days cannot be negative");
            if (OutputCapBytes < 0) throw new ArgumentOutOfRangeException(nameof(OutputCapBytes), OutputCapBytes, "the output cap cannot be negative");
        }
    }
}
