using System;
using System.IO;
using System.Text;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// Secret environment values travel inside the script (v1 has nowhere else to put them), on lines the
    /// submitter marks with a trailing <c>outpost-secret</c> comment. When the job is archived to log/,
    /// the value on each marked line is replaced by <c>***</c>, so the archive never holds it in clear text.
    /// </summary>
    public static class SecretRedactor
    {
        public const string Marker = "outpost-secret";

        /// <summary>The redacted bytes, or null when the file has no marked line (archive it as is).</summary>
        public static byte[]? RedactIfMarked(string path)
        {
            var info = new FileInfo(path);
            if (info.Length == 0 || info.Length > 16 * 1024 * 1024) return null;
            byte[] bytes = File.ReadAllBytes(path);
            string text = new UTF8Encoding(false, false).GetString(bytes);
            if (text.IndexOf(Marker, StringComparison.Ordinal) < 0) return null;
            var output = new StringBuilder(text.Length);
            foreach (string line in text.Split('\n'))
            {
                output.Append(Redact(line)).Append('\n');
            }
            output.Length--; // Split adds one piece after the last newline
            return Encoding.UTF8.GetBytes(output.ToString());
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
    }
}
