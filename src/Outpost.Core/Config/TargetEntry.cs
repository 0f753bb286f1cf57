namespace Outpost.Core.Config
{
    /// <summary>A named target of the submitter's registry (targets.toml).</summary>
    public sealed class TargetEntry
    {
        public string Name { get; set; } = "";
        /// <summary>The share folder.</summary>
        public string Path { get; set; } = "";
        public string Transport { get; set; } = "file";
        /// <summary>The responder_name this target must advertise, or empty.</summary>
        public string ExpectedName { get; set; } = "";
        /// <summary>The responder's public key (responder_key), pinned: results must be signed with it; null when not pinned.</summary>
        public Trust.OutpostKey? ResponderKey { get; set; }
        /// <summary>"targets.toml" for an explicit entry, or the scan folder it was found in.</summary>
        public string Source { get; set; } = "";
        public bool IsDefault { get; set; }

        public override string ToString() => Name + " → " + Path;
    }
}
