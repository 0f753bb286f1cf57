using System;
using System.Text;
using System.Text.RegularExpressions;

namespace Outpost.Core.Files
{
    /// <summary>
    /// A pattern naming files relative to a folder, '/'-separated: <c>*</c> and <c>?</c> within one name,
    /// <c>**</c> for any number of folders (<c>**/*.log</c>, <c>out/**</c>). A pattern without a folder part
    /// matches at the top only, as a shell glob does. Case-sensitive except on Windows and macOS.
    /// </summary>
    public sealed class Glob
    {
        private readonly Regex _regex;

        public Glob(string pattern)
        {
            if (Check(pattern) is string bad) throw new ArgumentException(bad, nameof(pattern));
            Pattern = Normalise(pattern);
            var options = RegexOptions.CultureInvariant | (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
                ? RegexOptions.None : RegexOptions.IgnoreCase);
            _regex = new Regex(ToRegex(Pattern), options);
        }

        public string Pattern { get; }

        /// <summary>Null when the pattern is usable; otherwise why not.</summary>
        public static string? Check(string? pattern)
        {
            if (string.IsNullOrWhiteSpace(pattern)) return "an empty pattern";
            string normal = Normalise(pattern!);
            if (normal.Length == 0) return $"\"{pattern}\" names no file";
            if (normal.StartsWith("/", StringComparison.Ordinal) || normal.Length > 1 && normal[1] == ':')
                return $"\"{pattern}\" is not relative to the job's folder";
            foreach (string part in normal.Split('/'))
                if (part.Length == 0 || part == "..") return $"\"{pattern}\" has an empty or '..' part";
            return null;
        }

        public bool IsMatch(string relativePath) => _regex.IsMatch(relativePath);

        /// <summary>'\' as '/', a leading "./" dropped.</summary>
        private static string Normalise(string pattern)
        {
            string p = pattern.Trim().Replace('\\', '/');
            while (p.StartsWith("./", StringComparison.Ordinal)) p = p.Substring(2);
            return p;
        }

        private static string ToRegex(string pattern)
        {
            var regex = new StringBuilder("\\A");
            string[] parts = pattern.Split('/');
            for (int i = 0; i < parts.Length; i++)
            {
                bool last = i == parts.Length - 1;
                if (parts[i] == "**")
                {
                    // Any number of folders (none included); at the end, everything below.
                    regex.Append(last ? ".*" : "(?:[^/]+/)*");
                    continue;
                }
                foreach (char c in parts[i])
                {
                    regex.Append(c switch
                    {
                        '*' => "[^/]*",
                        '?' => "[^/]",
                        _ => Regex.Escape(c.ToString()),
                    });
                }
                if (!last) regex.Append('/');
            }
            return regex.Append("\\z").ToString();
        }
    }
}
