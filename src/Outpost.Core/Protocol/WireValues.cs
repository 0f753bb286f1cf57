using System;
using System.Globalization;

namespace Outpost.Core.Protocol
{
    /// <summary>How v1 spells numbers and flags inside key=value files.</summary>
    internal static class WireValues
    {
        public static string Flag(bool value) => value ? "1" : "0";

        public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

        public static bool ParseFlag(string? text) => text?.Trim() is "1" or "true" or "TRUE" or "True";

        public static long ParseLong(string? text, long fallback = 0) =>
            long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

        public static int ParseInt(string? text, int fallback = 0) =>
            int.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

        public static DateTime? ParseTimeOrNull(string? text)
        {
            try { return ProtocolTime.Parse(text); }
            catch (FormatException) { return null; }
        }
    }
}
