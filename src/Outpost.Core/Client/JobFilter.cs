using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace Outpost.Core.Client
{
    /// <summary>The filters of Get-OutpostJob: stem and label wildcards, states, lane, newest N.</summary>
    public sealed class JobFilter
    {
        public IList<string> Stems { get; set; } = new List<string>();
        public IList<string> Labels { get; set; } = new List<string>();
        public IList<OutpostJobState> States { get; set; } = new List<OutpostJobState>();
        public int? Newest { get; set; }

        public IEnumerable<OutpostJob> Apply(IEnumerable<OutpostJob> jobs)
        {
            var stems = Stems.Select(Glob.ToRegex).ToList();
            var labels = Labels.Select(Glob.ToRegex).ToList();
            var selected = jobs.Where(j =>
                (stems.Count == 0 || stems.Any(r => r.IsMatch(j.Stem))) &&
                (labels.Count == 0 || labels.Any(r => r.IsMatch(j.Label))) &&
                (States.Count == 0 || States.Contains(j.State)));
            if (Newest.HasValue)
                selected = selected.OrderByDescending(j => j.Stem, StringComparer.Ordinal).Take(Newest.Value)
                    .OrderBy(j => j.Stem, StringComparer.Ordinal);
            return selected;
        }
    }

    /// <summary>PowerShell-style wildcards (*, ?, [abc]) without a PowerShell dependency; case-insensitive.</summary>
    public static class Glob
    {
        public static Regex ToRegex(string pattern)
        {
            var regex = new System.Text.StringBuilder("^");
            for (int i = 0; i < pattern.Length; i++)
            {
                char c = pattern[i];
                if (c == '*') regex.Append(".*");
                else if (c == '?') regex.Append('.');
                else if (c == '[')
                {
                    int close = pattern.IndexOf(']', i + 1);
                    if (close < 0) { regex.Append("\\["); continue; }
                    regex.Append('[').Append(pattern.Substring(i + 1, close - i - 1).Replace("\\", "\\\\")).Append(']');
                    i = close;
                }
                else if (c == '`' && i + 1 < pattern.Length) regex.Append(Regex.Escape(pattern[++i].ToString()));
                else regex.Append(Regex.Escape(c.ToString()));
            }
            return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }

        public static bool HasWildcards(string text) => text.IndexOfAny(new[] { '*', '?', '[' }) >= 0;
    }
}
