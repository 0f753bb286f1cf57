using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Protocol;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// Appends v1 event lines to <c>outpost.log</c>:
    /// <c>2026-04-24 17:03:09.412 [INFO] lane=1 stem=… message key=value …</c> (fields sorted by key).
    /// </summary>
    public sealed class EventLog
    {
        private static readonly ShareAddress LogAddress = ShareAddress.Root(Wire.EventLogFile);

        private readonly IResponderTransport _share;
        private readonly object _gate = new object();

        /// <summary>The journal of the share at the folder holding <paramref name="path"/> (outpost.log).</summary>
        public EventLog(string path) : this(new FileShareTransport(Path.GetDirectoryName(Path.GetFullPath(path))!)) { }

        public EventLog(IResponderTransport share) => _share = share;

        public static string FormatLine(DateTime utc, string level, int? lane, string? stem, string message,
            IEnumerable<KeyValuePair<string, string>>? fields)
        {
            var line = new StringBuilder();
            line.Append(ProtocolTime.ToLogTime(utc)).Append(" [").Append(level).Append(']');
            if (lane.HasValue) line.Append(" lane=").Append(lane.Value.ToString(CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(stem)) line.Append(" stem=").Append(stem);
            line.Append(' ').Append(OneLine(message));
            if (fields != null)
            {
                foreach (var field in fields.OrderBy(f => f.Key, StringComparer.Ordinal))
                    line.Append(' ').Append(field.Key).Append('=').Append(QuoteIfNeeded(field.Value));
            }
            return line.ToString();
        }

        /// <summary>Appends one line. Logging must never take the responder down, so failures are swallowed.</summary>
        public void Write(string level, int? lane, string? stem, string message,
            IEnumerable<KeyValuePair<string, string>>? fields = null)
        {
            string line = FormatLine(DateTime.UtcNow, level, lane, stem, message, fields) + "\n";
            byte[] bytes = Encoding.UTF8.GetBytes(line);
            lock (_gate)
            {
                // Through the transport: never through a link planted as outpost.log, never into a FIFO.
                try { _share.Append(LogAddress, bytes); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }

        /// <summary>One line, with every control character (line breaks, ESC, NUL) shown as \xNN.</summary>
        private static string OneLine(string text) => Escape(text, shell: false);

        /// <summary>
        /// A name read from the share, as it may appear in a log line: control characters and shell
        /// metacharacters shown as \xNN, so no log line carries a runnable command or a terminal sequence,
        /// whatever file a hostile share lured the journal into.
        /// </summary>
        public static string EscapeName(string name) => Escape(name, shell: true);

        private const string ShellMetacharacters = ";&|`$<>(){}[]*?!~#'\"\\";

        private static string Escape(string text, bool shell)
        {
            var escaped = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || c == '\u2028' || c == '\u2029' || (shell && ShellMetacharacters.IndexOf(c) >= 0))
                    escaped.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                else escaped.Append(c);
            }
            return escaped.ToString();
        }

        /// <summary>Go's logger quotes values with spaces or quotes; plain values stay bare.</summary>
        private static string QuoteIfNeeded(string value)
        {
            if (value.Length > 0 && value.All(c => c > ' ' && c != '"' && c != '=' && c < 127)) return value;
            var quoted = new StringBuilder("\"");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': quoted.Append("\\\""); break;
                    case '\\': quoted.Append("\\\\"); break;
                    case '\n': quoted.Append("\\n"); break;
                    case '\r': quoted.Append("\\r"); break;
                    case '\t': quoted.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) quoted.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                        else quoted.Append(c);
                        break;
                }
            }
            return quoted.Append('"').ToString();
        }
    }

    /// <summary>Go's <c>time.Duration.String()</c>, which v1 writes in its log lines (e.g. 1.695539ms, 2.001s, 0s).</summary>
    public static class GoDuration
    {
        public static string Format(TimeSpan span)
        {
            long nanos = span.Ticks * 100;
            if (nanos == 0) return "0s";
            bool negative = nanos < 0;
            ulong u = (ulong)Math.Abs(nanos);
            string text;
            if (u < 1000) text = u.ToString(CultureInfo.InvariantCulture) + "ns";
            else if (u < 1000_000) text = Fraction(u, 1000) + "µs";
            else if (u < 1000_000_000) text = Fraction(u, 1000_000) + "ms";
            else
            {
                ulong totalSeconds = u / 1000_000_000;
                ulong fractionNanos = u % 1000_000_000;
                ulong hours = totalSeconds / 3600, minutes = totalSeconds / 60 % 60, seconds = totalSeconds % 60;
                string secondsText = Fraction(seconds * 1000_000_000 + fractionNanos, 1000_000_000) + "s";
                text = hours > 0 ? $"{hours}h{minutes}m{secondsText}" : minutes > 0 ? $"{minutes}m{secondsText}" : secondsText;
            }
            return negative ? "-" + text : text;
        }

        private static string Fraction(ulong value, ulong unit)
        {
            string whole = (value / unit).ToString(CultureInfo.InvariantCulture);
            ulong rest = value % unit;
            if (rest == 0) return whole;
            int digits = unit.ToString(CultureInfo.InvariantCulture).Length - 1;
            return whole + "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        }

        /// <summary>Parses Go duration text (<c>2s</c>, <c>200ms</c>, <c>1m30s</c>, <c>1.5h</c>); a bare number is seconds.</summary>
        public static TimeSpan Parse(string text)
        {
            string s = text.Trim();
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double bare))
                return TimeSpan.FromSeconds(bare);
            double totalNanos = 0;
            int i = 0;
            if (s.Length == 0) throw new FormatException("empty duration");
            while (i < s.Length)
            {
                int start = i;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
                if (start == i) throw new FormatException($"invalid duration \"{text}\" (examples: 2s, 200ms, 1m30s)");
                double number = double.Parse(s.Substring(start, i - start), CultureInfo.InvariantCulture);
                int unitStart = i;
                while (i < s.Length && !char.IsDigit(s[i]) && s[i] != '.') i++;
                double unitNanos = s.Substring(unitStart, i - unitStart) switch
                {
                    "ns" => 1,
                    "us" or "µs" => 1e3,
                    "ms" => 1e6,
                    "s" => 1e9,
                    "m" => 60e9,
                    "h" => 3600e9,
                    _ => throw new FormatException($"invalid duration \"{text}\": unknown unit (use ns, us, ms, s, m, h)"),
                };
                totalNanos += number * unitNanos;
            }
            return TimeSpan.FromTicks((long)(totalNanos / 100));
        }
    }
}
