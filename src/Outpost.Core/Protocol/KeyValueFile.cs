using System;
using System.Collections.Generic;
using System.Text;

namespace Outpost.Core.Protocol
{
    /// <summary>
    /// The v1 key=value format shared by dispatch.txt, status.txt and .result: one pair a line,
    /// <c>\n</c> line ends, UTF-8. Keeps the order it read, because writers must keep v1's order.
    /// </summary>
    public sealed class KeyValueFile
    {
        private readonly List<KeyValuePair<string, string>> _pairs = new List<KeyValuePair<string, string>>();
        private readonly Dictionary<string, string> _index = new Dictionary<string, string>(StringComparer.Ordinal);

        public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

        public string? this[string key] => _index.TryGetValue(key, out var v) ? v : null;

        public bool Contains(string key) => _index.ContainsKey(key);

        public KeyValueFile Add(string key, string? value)
        {
            if (key.Length == 0 || key.IndexOf('=') >= 0 || key.IndexOf('\n') >= 0)
                throw new ArgumentException($"invalid key \"{key}\"", nameof(key));
            string v = (value ?? "").Replace("\r", " ").Replace("\n", " ");
            _pairs.Add(new KeyValuePair<string, string>(key, v));
            _index[key] = v; // a repeated key: the last one wins, like the Go reader's map
            return this;
        }

        /// <summary>Parses v1 text: trim lines, skip blanks and '#' comments, split at the first '='.</summary>
        public static KeyValueFile Parse(string text, string? source = null)
        {
            var file = new KeyValueFile();
            int lineNumber = 0;
            foreach (string raw in text.Split('\n'))
            {
                lineNumber++;
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == '#') continue;
                int eq = line.IndexOf('=');
                if (eq < 0)
                    throw new FormatException(
                        $"{source ?? "key=value file"}: line {lineNumber}: expected key=value, found \"{Shorten(line)}\"");
                string key = line.Substring(0, eq).Trim();
                if (key.Length == 0)
                    throw new FormatException($"{source ?? "key=value file"}: line {lineNumber}: empty key");
                file.Add(key, line.Substring(eq + 1).Trim());
            }
            return file;
        }

        /// <summary>Decodes bytes as UTF-8, replacing invalid sequences rather than failing on them.</summary>
        public static KeyValueFile Parse(byte[] bytes, string? source = null) =>
            Parse(new UTF8Encoding(false, false).GetString(bytes), source);

        public override string ToString()
        {
            var text = new StringBuilder();
            foreach (var pair in _pairs) text.Append(pair.Key).Append('=').Append(pair.Value).Append('\n');
            return text.ToString();
        }

        public byte[] ToBytes() => new UTF8Encoding(false).GetBytes(ToString());

        private static string Shorten(string s) => s.Length <= 60 ? s : s.Substring(0, 60) + "…";
    }
}
