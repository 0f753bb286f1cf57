namespace Outpost.Core.Protocol
{
    /// <summary>The <c>state</c> values of status.txt.</summary>
    public enum LaneState
    {
        Unknown,
        Ready,
        Idle,
        Busy,
        Paused,
        Stopping,
        Stopped,
    }

    internal static class LaneStateText
    {
        public static string ToWire(LaneState state) => state == LaneState.Unknown ? "" : state.ToString().ToLowerInvariant();

        public static LaneState Parse(string? text) => (text ?? "").Trim().ToLowerInvariant() switch
        {
            "ready" => LaneState.Ready,
            "idle" => LaneState.Idle,
            "busy" => LaneState.Busy,
            "paused" => LaneState.Paused,
            "stopping" => LaneState.Stopping,
            "stopped" => LaneState.Stopped,
            _ => LaneState.Unknown,
        };
    }
}
