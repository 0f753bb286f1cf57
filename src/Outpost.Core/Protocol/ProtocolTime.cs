using System;
using System.Globalization;

namespace Outpost.Core.Protocol
{
    /// <summary>The v1 timestamp format: UTC, <c>yyyy-MM-dd.HH:mm:ss.fff</c>; an empty value means unset.</summary>
    public static class ProtocolTime
    {
        public const string Format = "yyyy-MM-dd.HH:mm:ss.fff";

        public static string ToWire(DateTime utc) =>
            utc.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);

        public static string ToWire(DateTime? utc) => utc.HasValue ? ToWire(utc.Value) : "";

        public static DateTime? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            if (DateTime.TryParseExact(text!.Trim(), Format, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value))
                return DateTime.SpecifyKind(value, DateTimeKind.Utc);
            throw new FormatException($"invalid timestamp \"{text}\" (expected {Format})");
        }

        /// <summary>The outpost.log line time: <c>yyyy-MM-dd HH:mm:ss.fff</c> in UTC.</summary>
        public static string ToLogTime(DateTime utc) =>
            utc.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
    }
}
