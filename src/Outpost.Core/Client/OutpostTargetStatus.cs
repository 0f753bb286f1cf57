using System;
using System.Collections.Generic;
using Outpost.Core.Protocol;

namespace Outpost.Core.Client
{
    /// <summary>One lane as a probe saw it.</summary>
    public sealed class OutpostLaneStatus
    {
        public string Target { get; set; } = "";
        public int Lane { get; set; } = 1;
        public LaneState State { get; set; }
        public string BusyStem { get; set; } = "";
        public int Queued { get; set; }
        public string Message { get; set; } = "";
        public DateTime? LastHeartbeat { get; set; }
        public bool Alive { get; set; }

        public override string ToString() => $"lane {Lane}: {State.ToString().ToLowerInvariant()}";
    }

    /// <summary>What a probe of one target found: reachability, the advertisement and every lane.</summary>
    public sealed class OutpostTargetStatus
    {
        public string Name { get; set; } = "";
        public string Path { get; set; } = "";
        /// <summary>Reachable, advertising a compatible protocol, alive, and not in a name collision.</summary>
        public bool Available { get; set; }
        /// <summary>Some lane has a fresh heartbeat and is not stopped.</summary>
        public bool Alive { get; set; }
        /// <summary>Why the target is not available, or null.</summary>
        public string? Error { get; set; }
        public string ResponderName { get; set; } = "";
        public int ProtocolVersion { get; set; }
        public int Pid { get; set; }
        public DateTime? Started { get; set; }
        public string Platform { get; set; } = "";
        public string Description { get; set; } = "";
        public IList<string> Tags { get; set; } = new List<string>();
        public int LaneCount { get; set; }
        public IList<OutpostLaneStatus> Lanes { get; set; } = new List<OutpostLaneStatus>();
        public IList<string> DispatchOrder { get; set; } = new List<string>();
        /// <summary>What the responder serves beyond v1 (outpost_features: sessions, files); empty for a v1 responder.</summary>
        public IList<string> Features { get; set; } = new List<string>();
        public IDictionary<string, string> Dispatch { get; set; } = new Dictionary<string, string>();
        /// <summary>Other targets advertising the same responder name, or null.</summary>
        public string? Collision { get; set; }
        public bool Paused { get; set; }
        /// <summary>The file system the responder found the share on (its share_fs advertisement: ext4, fuse.sshfs, nfs4 ...); empty from a v1 responder.</summary>
        public string ShareFileSystem { get; set; } = "";
        /// <summary>How the responder notices new jobs there: notifications, dir-stamp or listing (share_watch); empty from a v1 responder.</summary>
        public string ShareWatch { get; set; } = "";
        /// <summary>The file system this host reaches the share through (what a waiting submitter here polls or watches).</summary>
        public string LocalFileSystem { get; set; } = "";

        public override string ToString() => $"{Name}: {(Available ? "available" : "unavailable")}";
    }
}
