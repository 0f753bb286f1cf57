using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// Secret environment values travel inside the script (v1 has nowhere else to put them), on lines the
    /// submitter marks with a trailing <c>outpost-secret</c> comment. When the job is archived to log/,
    /// the value of each marked assignment is replaced by <c>***</c>, so the archive never holds it in
    /// clear text. Works on a stream whatever the job's size, byte for byte outside the redacted values
    /// (so non-UTF-8 scripts archive unchanged), and an assignment whose quoted value spans lines (a value
    /// with a line break) is redacted whole.
    /// </summary>
    public static class SecretRedactor
    {
        public const string Marker = "outpost-secret";

        /// <summary>A line (or a statement being joined) longer than this is passed through: no assignment the submitter writes is.</summary>
        private const int MaxStatement = 4 * 1024 * 1024;

        // Byte-for-byte text: every byte is one char and back.
        private static readonly Encoding Bytes = Encoding.GetEncoding("ISO-8859-1");
        private static readonly byte[] MarkerBytes = Encoding.ASCII.GetBytes(Marker);

        /// <summary>The redacted bytes, or null when there is no marker (archive as is).</summary>
        public static byte[]? RedactIfMarked(byte[] content)
        {
            using var input = new MemoryStream(content, writable: false);
            if (!ContainsMarker(input)) return null;
            input.Position = 0;
            using var output = new MemoryStream();
            Redact(input, output);
            return output.ToArray();
        }

        /// <summary>The redacted bytes of a file, or null when it has no marker; streamed, whatever its size.</summary>
        public static byte[]? RedactIfMarked(string path)
        {
            using (var input = File.OpenRead(path))
                if (!ContainsMarker(input)) return null;
            using var again = File.OpenRead(path);
            using var output = new MemoryStream();
            Redact(again, output);
            return output.ToArray();
        }

        /// <summary>Scans for the marker without holding more than a buffer.</summary>
        public static bool ContainsMarker(Stream input)
        {
            var buffer = new byte[64 * 1024 + MarkerBytes.Length];
            int kept = 0;
            while (true)
            {
                int read = input.Read(buffer, kept, buffer.Length - kept);
                if (read == 0) return false;
                int filled = kept + read;
                for (int i = 0; i + MarkerBytes.Length <= filled; i++)
                {
                    int j = 0;
                    while (j < MarkerBytes.Length && buffer[i + j] == MarkerBytes[j]) j++;
                    if (j == MarkerBytes.Length) return true;
                }
                kept = Math.Min(MarkerBytes.Length - 1, filled);
                Buffer.BlockCopy(buffer, filled - kept, buffer, 0, kept);
            }
        }

        /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> with every marked value replaced.</summary>
        public static void Redact(Stream input, Stream output)
        {
            var statement = new List<string>();
            using var lines = Lines(input).GetEnumerator();
            bool more = lines.MoveNext();
            while (more)
            {
                string line = lines.Current;
                more = lines.MoveNext(); // the piece after the last '\n' has no newline of its own
                statement.Add(line);
                bool complete = statement.Count == 1 ? !OpensQuote(line) : !StillOpen(statement) || Length(statement) > MaxStatement;
                if (complete || !more) Flush(statement, output, last: !more);
            }
        }

        /// <summary>Keeps the line up to its first '=' and from the marker comment on; the value between becomes ***.</summary>
        public static string Redact(string line)
        {
            string body = line.TrimEnd('\r');
            int marker = body.LastIndexOf(Marker, StringComparison.Ordinal);
            if (marker < 0 || body.Substring(marker + Marker.Length).Trim().Length > 0) return line;
            int eq = body.IndexOf('=');
            if (eq < 0 || eq > marker) return line;
            int commentStart = body.LastIndexOfAny(new[] { '#', '&' }, marker);
            if (commentStart <= eq) return line;
            return body.Substring(0, eq + 1) + "*** " + body.Substring(commentStart) + (line.EndsWith("\r") ? "\r" : "");
        }

        private static void Flush(List<string> statement, Stream output, bool last = false)
        {
            string joined = string.Join("\n", statement);
            string redacted = Redact(joined);
            // A statement that spanned lines and was redacted becomes one line; otherwise it is written back unchanged.
            byte[] bytes = Bytes.GetBytes(redacted);
            output.Write(bytes, 0, bytes.Length);
            if (!last) output.WriteByte((byte)'\n');
            statement.Clear();
        }

        private static int Length(List<string> lines)
        {
            int total = 0;
            foreach (string l in lines) total += l.Length + 1;
            return total;
        }

        /// <summary>Lines split at '\n' (the last piece has no newline after it, possibly empty).</summary>
        private static IEnumerable<string> Lines(Stream input)
        {
            var current = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                int start = 0;
                for (int i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    current.Write(buffer, start, i - start);
                    yield return Bytes.GetString(current.GetBuffer(), 0, (int)current.Length);
                    current.SetLength(0);
                    start = i + 1;
                }
                current.Write(buffer, start, read - start);
            }
            yield return Bytes.GetString(current.GetBuffer(), 0, (int)current.Length);
        }

        /// <summary>An environment assignment the submitter writes, whose quoted value is still open at the end of the line.</summary>
        private static bool OpensQuote(string line) => QuoteStyleOf(line) != QuoteStyle.None && IsOpen(line, QuoteStyleOf(line));

        private static bool StillOpen(List<string> statement) => IsOpen(string.Join("\n", statement), QuoteStyleOf(statement[0]));

        private enum QuoteStyle { None, Posix, PowerShell, Python }

        private static QuoteStyle QuoteStyleOf(string line) =>
            line.StartsWith("export ", StringComparison.Ordinal) ? QuoteStyle.Posix
            : line.StartsWith("$env:", StringComparison.Ordinal) ? QuoteStyle.PowerShell
            : line.StartsWith("__import__('os').environ[", StringComparison.Ordinal) ? QuoteStyle.Python
            : QuoteStyle.None;

        /// <summary>Whether a single-quoted string is left open, by each language's rules for ' and \.</summary>
        private static bool IsOpen(string text, QuoteStyle style)
        {
            bool inside = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c == '\\' && (style == QuoteStyle.Python ? inside : style == QuoteStyle.Posix && !inside)) { i++; continue; }
                if (c == '\'') inside = !inside; // PowerShell's '' toggles twice: still inside
                else if (c == '#' && !inside) return false; // a comment: nothing after it opens a string
            }
            return inside;
        }
    }
}
