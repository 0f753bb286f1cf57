using System;
using System.Globalization;

namespace Outpost.Core.Protocol
{
    /// <summary>
    /// A job's identity: <c>YYYYMMDD_HHMMSS_uuuuuu-label</c> (UTC, microseconds). Sorting stems as
    /// strings gives dispatch order, so the type compares ordinally on its text.
    /// </summary>
    public sealed class Stem : IComparable<Stem>, IEquatable<Stem>
    {
        public const int TimestampLength = 22;

        private Stem(string text, DateTime timestamp, string label)
        {
            Text = text;
            Timestamp = timestamp;
            Label = label;
        }

        public string Text { get; }

        /// <summary>UTC time the stem encodes, to the microsecond.</summary>
        public DateTime Timestamp { get; }

        public string Label { get; }

        public static Stem Create(DateTime utc, string label)
        {
            if (!IsValidLabel(label)) throw new ArgumentException(LabelRule(label), nameof(label));
            utc = utc.ToUniversalTime();
            long micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
            string text = utc.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) + "_" +
                          micros.ToString("D6", CultureInfo.InvariantCulture) + "-" + label;
            return new Stem(text, TruncateToMicroseconds(utc), label);
        }

        public static Stem Parse(string text) =>
            TryParse(text, out var stem, out var error) ? stem! : throw new FormatException(error);

        public static bool TryParse(string? text, out Stem? stem) => TryParse(text, out stem, out _);

        public static bool TryParse(string? text, out Stem? stem, out string error)
        {
            stem = null;
            if (text is null || text.Length < TimestampLength + 2)
            {
                error = $"invalid stem \"{text}\": expected YYYYMMDD_HHMMSS_uuuuuu-label";
                return false;
            }
            if (!TryParseTimestamp(text, out var timestamp))
            {
                error = $"invalid stem \"{text}\": the first 22 characters must be a real UTC time as YYYYMMDD_HHMMSS_uuuuuu";
                return false;
            }
            if (text[TimestampLength] != '-')
            {
                error = $"invalid stem \"{text}\": expected '-' after the timestamp";
                return false;
            }
            string label = text.Substring(TimestampLength + 1);
            if (!IsValidLabel(label))
            {
                error = $"invalid stem \"{text}\": {LabelRule(label)}";
                return false;
            }
            stem = new Stem(text, timestamp, label);
            error = "";
            return true;
        }

        /// <summary>True when the first 22 characters are a stem timestamp (used by the retention sweep).</summary>
        public static bool TryParseTimestamp(string text, out DateTime utc)
        {
            utc = default;
            if (text.Length < TimestampLength) return false;
            for (int i = 0; i < TimestampLength; i++)
            {
                char c = text[i];
                bool separator = i == 8 || i == 15;
                if (separator ? c != '_' : c < '0' || c > '9') return false;
            }
            if (!DateTime.TryParseExact(text.Substring(0, 15), "yyyyMMdd_HHmmss", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var seconds))
                return false;
            int micros = int.Parse(text.Substring(16, 6), CultureInfo.InvariantCulture);
            utc = DateTime.SpecifyKind(seconds, DateTimeKind.Utc).AddTicks(micros * 10L);
            return true;
        }

        /// <summary>The text that sorts like a stem of the given time: the retention cutoff.</summary>
        public static string TimestampPrefix(DateTime utc) =>
            utc.ToUniversalTime().ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) + "_000000";

        public static bool IsValidLabel(string? label)
        {
            if (string.IsNullOrEmpty(label) || label!.Length > Wire.MaxLabelLength) return false;
            foreach (char c in label)
            {
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
            }
            return true;
        }

        /// <summary>Turns free text (an extension, a file name) into a valid label, or null when nothing is left.</summary>
        public static string? ToLabel(string? text)
        {
            if (string.IsNullOrEmpty(text)) return null;
            var chars = new System.Text.StringBuilder();
            foreach (char raw in text!.ToLowerInvariant())
            {
                char c = raw;
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) c = '-';
                chars.Append(c);
                if (chars.Length == Wire.MaxLabelLength) break;
            }
            string label = chars.ToString().Trim('-');
            return label.Length == 0 ? null : label;
        }

        private static string LabelRule(string? label) =>
            $"label \"{label}\" must be 1..{Wire.MaxLabelLength} characters of a-z, 0-9, '_' or '-'";

        private static DateTime TruncateToMicroseconds(DateTime utc) =>
            new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);

        public int CompareTo(Stem? other) => other is null ? 1 : string.CompareOrdinal(Text, other.Text);
        public bool Equals(Stem? other) => other is not null && Text == other.Text;
        public override bool Equals(object? obj) => obj is Stem s && Equals(s);
        public override int GetHashCode() => Text.GetHashCode();
        public override string ToString() => Text;
    }
}
