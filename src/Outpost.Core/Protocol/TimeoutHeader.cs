using System;
using System.Globalization;
using System.Text;

namespace Outpost.Core.Protocol
{
    /// <summary>
    /// The per-job timeout a script declares in a comment near its top, e.g. <c># timeout=30</c>
    /// (sh, zsh, py, ps1), <c>REM timeout=30</c> (cmd, bat), <c>:: timeout=30</c> (btm).
    /// </summary>
    public static class TimeoutHeader
    {
        /// <summary>The comment marker v1 recognises for an extension, or null where it has none.</summary>
        public static string? MarkerFor(string extension) => extension.ToLowerInvariant() switch
        {
            "sh" or "zsh" or "py" or "ps1" => "#",
            "cmd" or "bat" => "REM",
            "btm" => "::",
            _ => null,
        };

        /// <summary>The header line a submitter prepends, seconds clamped to 1..86400.</summary>
        public static string Format(string extension, double seconds)
        {
            string marker = MarkerFor(extension) ?? throw new ArgumentException(
                $"a .{extension} job cannot carry a timeout header: v1 knows comment syntax only for sh, zsh, py, ps1, cmd, bat and btm",
                nameof(extension));
            return marker + " timeout=" + Clamp(seconds).ToString(CultureInfo.InvariantCulture);
        }

        public static int Clamp(double seconds)
        {
            double rounded = Math.Round(seconds, MidpointRounding.AwayFromZero);
            if (double.IsNaN(rounded) || rounded < Wire.MinTimeoutSeconds) return Wire.MinTimeoutSeconds;
            return rounded > Wire.MaxTimeoutSeconds ? Wire.MaxTimeoutSeconds : (int)rounded;
        }

        /// <summary>Looks for the header in the first lines of the script.</summary>
        public static TimeoutHeaderResult Parse(string extension, byte[] content)
        {
            string? rest = FindDirective(extension, content, "timeout");
            if (rest is null) return TimeoutHeaderResult.None;
            string value = rest.Substring("timeout=".Length).Trim();
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) &&
                seconds >= Wire.MinTimeoutSeconds && seconds <= Wire.MaxTimeoutSeconds)
                return TimeoutHeaderResult.Valid(seconds);
            return TimeoutHeaderResult.Invalid(rest);
        }

        /// <summary>
        /// The first <c>&lt;marker&gt; name=value</c> comment in the script's first 10 lines (blank lines
        /// count, CRLF tolerated, case-insensitive), returned as "name=value" text, or null. The timeout
        /// header is one such directive; Outpost's own (retry) use the same form, which v1 ignores.
        /// </summary>
        public static string? FindDirective(string extension, byte[] content, string name)
        {
            string? marker = MarkerFor(extension);
            if (marker is null) return null;
            // Only the head matters; decoding all of a large script would waste time and memory.
            int headLength = Math.Min(content.Length, 64 * 1024);
            string head = new UTF8Encoding(false, false).GetString(content, 0, headLength);
            if (head.Length > 0 && head[0] == '\uFEFF') head = head.Substring(1);
            string[] lines = head.Split('\n');
            for (int i = 0; i < lines.Length && i < Wire.TimeoutHeaderLineLimit; i++)
            {
                string line = lines[i].Trim();
                if (line.Length == 0 || !line.StartsWith(marker, StringComparison.OrdinalIgnoreCase)) continue;
                string rest = line.Substring(marker.Length).Trim();
                if (rest.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase)) return rest;
            }
            return null;
        }
    }

    public sealed class TimeoutHeaderResult
    {
        public static readonly TimeoutHeaderResult None = new TimeoutHeaderResult(false, 0, null);

        private TimeoutHeaderResult(bool found, int seconds, string? error)
        {
            Found = found;
            Seconds = seconds;
            Error = error;
        }

        public bool Found { get; }
        public int Seconds { get; }
        /// <summary>The v1 stderr line for an invalid header, or null.</summary>
        public string? Error { get; }

        public static TimeoutHeaderResult Valid(int seconds) => new TimeoutHeaderResult(true, seconds, null);

        public static TimeoutHeaderResult Invalid(string rest) => new TimeoutHeaderResult(true, 0,
            $"invalid timeout header \"{rest}\" (expected {Wire.MinTimeoutSeconds}..{Wire.MaxTimeoutSeconds})");
    }
}
