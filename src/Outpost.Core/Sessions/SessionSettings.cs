using System;
using Outpost.Core.Toml;

namespace Outpost.Core.Sessions
{
    /// <summary>outpost.toml [sessions]: whether this responder keeps session workers, and how many at most.</summary>
    public sealed class SessionSettings
    {
        public const int DefaultIdleTimeoutSeconds = 7200;

        public bool Enabled { get; set; } = true;
        public int MaxSessions { get; set; } = 8;
        /// <summary>The longest idle timeout a session may ask for; also the one it gets when it asks for none.</summary>
        public TimeSpan MaxIdleTimeout { get; set; } = TimeSpan.FromSeconds(DefaultIdleTimeoutSeconds);

        /// <summary>[sessions] enabled = true; max = 8; max_idle_timeout_sec = 7200.</summary>
        public static SessionSettings FromToml(TomlTable sessions, string path)
        {
            var settings = new SessionSettings { Enabled = sessions.GetBool("enabled") ?? true };
            long? max = sessions.GetLong("max");
            if (max.HasValue)
            {
                if (max < 0 || max > 1024) throw new TomlException(path, sessions.GetLine("max"), 1, "sessions.max must be 0..1024");
                settings.MaxSessions = (int)max.Value;
            }
            long? idle = sessions.GetLong("max_idle_timeout_sec");
            if (idle.HasValue)
            {
                if (idle < 1) throw new TomlException(path, sessions.GetLine("max_idle_timeout_sec"), 1, "sessions.max_idle_timeout_sec must be 1 or more");
                settings.MaxIdleTimeout = TimeSpan.FromSeconds(idle.Value);
            }
            return settings;
        }
    }
}
