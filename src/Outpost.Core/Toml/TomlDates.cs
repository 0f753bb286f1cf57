using System;
using System.Text.RegularExpressions;

namespace Outpost.Core.Toml
{
    /// <summary>RFC 3339 date-times as TOML 1.0 has them: offset and local date-times, local dates, local times.</summary>
    internal static class TomlDates
    {
        private static readonly Regex Date = new Regex(@"^(\d{4})-(\d{2})-(\d{2})$", RegexOptions.CultureInvariant);
        private static readonly Regex Time = new Regex(@"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex Offset = new Regex(@"^(?:[Zz]|[+-](\d{2}):(\d{2}))$", RegexOptions.CultureInvariant);

        public static bool TryParse(string token, out TomlDateTime? value)
        {
            value = null;
            if (token.Length >= 8 && token[2] == ':')
            {
                if (!ValidTime(token)) return false;
                value = new TomlDateTime(TomlDateTimeKind.LocalTime, token);
                return true;
            }
            if (token.Length < 10 || !ValidDate(token.Substring(0, 10))) return false;
            if (token.Length == 10)
            {
                value = new TomlDateTime(TomlDateTimeKind.LocalDate, token);
                return true;
            }
            char separator = token[10];
            if (separator != 'T' && separator != 't' && separator != ' ') return false;
            string rest = token.Substring(11);
            int offsetAt = rest.IndexOfAny(new[] { 'Z', 'z', '+', '-' });
            string time = offsetAt >= 0 ? rest.Substring(0, offsetAt) : rest;
            if (!ValidTime(time)) return false;
            string date = token.Substring(0, 10) + "T" + time;
            if (offsetAt < 0)
            {
                value = new TomlDateTime(TomlDateTimeKind.LocalDateTime, date);
                return true;
            }
            var offset = Offset.Match(rest.Substring(offsetAt));
            if (!offset.Success) return false;
            if (offset.Groups[1].Success && (int.Parse(offset.Groups[1].Value) > 23 || int.Parse(offset.Groups[2].Value) > 59)) return false;
            string zone = rest.Substring(offsetAt);
            value = new TomlDateTime(TomlDateTimeKind.OffsetDateTime, date + (zone == "z" ? "Z" : zone));
            return true;
        }

        private static bool ValidDate(string text)
        {
            var m = Date.Match(text);
            if (!m.Success) return false;
            int year = int.Parse(m.Groups[1].Value), month = int.Parse(m.Groups[2].Value), day = int.Parse(m.Groups[3].Value);
            return month >= 1 && month <= 12 && day >= 1 && day <= DateTime.DaysInMonth(Math.Max(1, year), month);
        }

        private static bool ValidTime(string text)
        {
            var m = Time.Match(text);
            if (!m.Success) return false;
            int hour = int.Parse(m.Groups[1].Value), minute = int.Parse(m.Groups[2].Value), second = int.Parse(m.Groups[3].Value);
            return hour <= 23 && minute <= 59 && second <= 60;
        }
    }
}
