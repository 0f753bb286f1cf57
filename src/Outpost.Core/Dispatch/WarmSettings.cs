using System;
using System.Collections.Generic;
using System.Linq;
using Outpost.Core.Toml;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// outpost.toml [warm]: which extensions keep a started interpreter waiting for the next job, and
    /// how many per lane. Each spare still runs exactly one job; this only moves the launch cost ahead.
    /// </summary>
    public sealed class WarmSettings
    {
        public static readonly IReadOnlyList<string> DefaultExtensions = new[] { "ps1", "sh" };

        public bool Enabled { get; set; } = true;
        public IList<string> Extensions { get; set; } = DefaultExtensions.ToList();
        public int SparesPerLane { get; set; } = 1;
        /// <summary>A spare older than this is replaced, so a long idle responder never runs a job in a day-old process.</summary>
        public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(30);

        public static WarmSettings Off => new WarmSettings { Enabled = false };

        public bool Covers(string extension) => Enabled && SparesPerLane > 0 &&
            Extensions.Any(e => string.Equals(e, extension, StringComparison.OrdinalIgnoreCase));

        /// <summary>[warm] enabled = true; extensions = ["ps1", "sh"]; spares_per_lane = 1; max_age_minutes = 30.</summary>
        public static WarmSettings FromToml(TomlTable warm, string path)
        {
            var settings = new WarmSettings { Enabled = warm.GetBool("enabled") ?? true };
            if (warm.GetStringArray("extensions") is { } extensions)
                settings.Extensions = extensions.Select(e => e.TrimStart('.').ToLowerInvariant()).ToList();
            long? spares = warm.GetLong("spares_per_lane");
            if (spares.HasValue)
            {
                if (spares < 0 || spares > 8) throw new TomlException(path, warm.GetLine("spares_per_lane"), 1, "warm.spares_per_lane must be 0..8");
                settings.SparesPerLane = (int)spares.Value;
            }
            long? age = warm.GetLong("max_age_minutes");
            if (age.HasValue)
            {
                if (age < 1) throw new TomlException(path, warm.GetLine("max_age_minutes"), 1, "warm.max_age_minutes must be 1 or more");
                settings.MaxAge = TimeSpan.FromMinutes(age.Value);
            }
            return settings;
        }
    }
}
