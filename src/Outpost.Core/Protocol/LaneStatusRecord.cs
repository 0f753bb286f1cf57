using System;

namespace Outpost.Core.Protocol
{
    /// <summary>A lane's heartbeat file, <c>inbox/&lt;N&gt;/status.txt</c>.</summary>
    public sealed class LaneStatusRecord
    {
        public int Lane { get; set; } = 1;
        public LaneState State { get; set; }
        public string BusyStem { get; set; } = "";
        public int Queued { get; set; }
        public string Message { get; set; } = "";
        public DateTime? LastHeartbeat { get; set; }

        public static readonly string[] Keys = { "lane", "state", "busy_stem", "queued", "message", "last_heartbeat" };

        public KeyValueFile ToKeyValues() => new KeyValueFile()
            .Add("lane", WireValues.Int(Lane))
            .Add("state", LaneStateText.ToWire(State))
            .Add("busy_stem", BusyStem)
            .Add("queued", WireValues.Int(Queued))
            .Add("message", Message)
            .Add("last_heartbeat", ProtocolTime.ToWire(LastHeartbeat));

        public static LaneStatusRecord FromKeyValues(KeyValueFile kv) => new LaneStatusRecord
        {
            Lane = WireValues.ParseInt(kv["lane"], 1),
            State = LaneStateText.Parse(kv["state"]),
            BusyStem = kv["busy_stem"] ?? "",
            Queued = WireValues.ParseInt(kv["queued"]),
            Message = kv["message"] ?? "",
            LastHeartbeat = WireValues.ParseTimeOrNull(kv["last_heartbeat"]),
        };

        public static LaneStatusRecord Parse(byte[] bytes, string? source = null) => FromKeyValues(KeyValueFile.Parse(bytes, source));

        /// <summary>v1's liveness rule: a heartbeat younger than 10 s and a state other than stopped.</summary>
        public bool IsAlive(DateTime nowUtc) =>
            State != LaneState.Stopped && LastHeartbeat.HasValue &&
            (nowUtc - LastHeartbeat.Value).TotalSeconds < Wire.LivenessWindowSeconds;
    }
}
