using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Outpost.Core.Toml;

namespace Outpost.Core.Config
{
    /// <summary>
    /// Edits targets.toml the way a careful person would by hand: only the lines of the entry being
    /// changed move; every other byte (comments, order, spacing, line endings) stays as it was.
    /// Each edit is re-parsed, so the editor can never leave an invalid file behind.
    /// </summary>
    public sealed class TargetsFileEditor
    {
        private static readonly Regex AnyHeader = new Regex(@"^\s*\[", RegexOptions.CultureInvariant);
        private static readonly Regex KeyLine = new Regex(@"^\s*(""[^""]*""|'[^']*'|[A-Za-z0-9_.-]+)\s*=", RegexOptions.CultureInvariant);

        private readonly List<string> _lines;
        private readonly string _newline;

        public TargetsFileEditor(string text)
        {
            _newline = text.Contains("\r\n") ? "\r\n" : "\n";
            _lines = SplitKeepingEndings(text);
            TomlReader.Instance.Parse(text, "targets.toml"); // refuse to edit a file that does not parse
        }

        public override string ToString() => string.Concat(_lines);

        /// <summary>Adds [target.NAME] at the end, or changes/adds the given keys inside the existing table.</summary>
        public void SetTarget(string name, IEnumerable<KeyValuePair<string, string>> fields)
        {
            RequireName(name);
            var (start, end) = FindTable(name);
            if (start < 0)
            {
                EnsureTrailingNewline();
                if (_lines.Count > 0 && _lines[_lines.Count - 1].Trim().Length > 0) _lines.Add(_newline);
                _lines.Add($"[target.{name}]{_newline}");
                foreach (var field in fields) _lines.Add($"{field.Key} = {Quote(field.Value)}{_newline}");
                Check();
                return;
            }
            foreach (var field in fields)
            {
                int at = FindKey(start + 1, end, field.Key);
                if (at >= 0)
                {
                    _lines[at] = ReplaceValue(_lines[at], field.Key, field.Value);
                    continue;
                }
                int insertAt = LastKeyLine(start, end) + 1;
                _lines.Insert(insertAt, $"{field.Key} = {Quote(field.Value)}{_newline}");
                end++;
            }
            Check();
        }

        /// <summary>Removes a key from a target's table (e.g. expected_name set back to nothing).</summary>
        public void RemoveKey(string name, string key)
        {
            var (start, end) = FindTable(name);
            if (start < 0) return;
            int at = FindKey(start + 1, end, key);
            if (at >= 0) _lines.RemoveAt(at);
            Check();
        }

        /// <summary>Removes [target.NAME] and its keys; comments that introduce the next table stay with it.</summary>
        public bool RemoveTarget(string name)
        {
            var (start, end) = FindTable(name);
            if (start < 0) return false;
            int last = LastKeyLine(start, end);
            _lines.RemoveRange(start, last - start + 1);
            // Two blank lines left side by side by the removal become one.
            if (start > 0 && start < _lines.Count && IsBlank(_lines[start - 1]) && IsBlank(_lines[start])) _lines.RemoveAt(start);
            Check();
            return true;
        }

        /// <summary>Sets, changes or (null) removes the top-level default key, which must stand before any table.</summary>
        public void SetDefault(string? name)
        {
            if (name != null) RequireName(name);
            int firstHeader = _lines.FindIndex(l => AnyHeader.IsMatch(l));
            int limit = firstHeader < 0 ? _lines.Count : firstHeader;
            int at = FindKey(0, limit, "default");
            if (name == null)
            {
                if (at >= 0) _lines.RemoveAt(at);
            }
            else if (at >= 0) _lines[at] = ReplaceValue(_lines[at], "default", name);
            else
            {
                string line = $"default = {Quote(name)}{_newline}";
                if (firstHeader < 0) { EnsureTrailingNewline(); _lines.Add(line); }
                else _lines.Insert(firstHeader, line + (firstHeader > 0 && IsBlank(_lines[firstHeader - 1]) ? "" : _newline));
            }
            Check();
        }

        private (int Start, int End) FindTable(string name)
        {
            var header = new Regex(@"^\s*\[\s*target\s*\.\s*(" + Regex.Escape(name) + @"|""" + Regex.Escape(name) + @"""|'" + Regex.Escape(name) + @"')\s*\]\s*(#.*)?$",
                RegexOptions.CultureInvariant);
            for (int i = 0; i < _lines.Count; i++)
            {
                if (!header.IsMatch(_lines[i].TrimEnd('\r', '\n'))) continue;
                int end = i + 1;
                while (end < _lines.Count && !AnyHeader.IsMatch(_lines[end])) end++;
                return (i, end);
            }
            return (-1, -1);
        }

        private int FindKey(int from, int to, string key)
        {
            for (int i = from; i < to && i < _lines.Count; i++)
            {
                var m = KeyLine.Match(_lines[i]);
                if (m.Success && m.Groups[1].Value.Trim('"', '\'') == key) return i;
            }
            return -1;
        }

        private int LastKeyLine(int start, int end)
        {
            int last = start;
            for (int i = start + 1; i < end; i++) if (KeyLine.IsMatch(_lines[i])) last = i;
            return last;
        }

        /// <summary>Replaces the value after '=', keeping the spacing before it and any comment after it.</summary>
        private string ReplaceValue(string line, string key, string value)
        {
            string ending = line.EndsWith("\r\n") ? "\r\n" : line.EndsWith("\n") ? "\n" : "";
            string body = line.Substring(0, line.Length - ending.Length);
            int eq = body.IndexOf('=');
            int valueStart = eq + 1;
            while (valueStart < body.Length && (body[valueStart] == ' ' || body[valueStart] == '\t')) valueStart++;
            int valueEnd = ValueEnd(body, valueStart);
            return body.Substring(0, valueStart) + Quote(value) + body.Substring(valueEnd) + ending;
        }

        private static int ValueEnd(string body, int start)
        {
            if (start >= body.Length) return start;
            char q = body[start];
            if (q == '"' || q == '\'')
            {
                for (int i = start + 1; i < body.Length; i++)
                {
                    if (q == '"' && body[i] == '\\') { i++; continue; }
                    if (body[i] == q) return i + 1;
                }
                return body.Length;
            }
            int hash = body.IndexOf('#', start);
            int end = hash < 0 ? body.Length : hash;
            while (end > start && (body[end - 1] == ' ' || body[end - 1] == '\t')) end--;
            return end;
        }

        /// <summary>A TOML basic string.</summary>
        public static string Quote(string value)
        {
            var text = new StringBuilder("\"");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c == 0x7F) text.Append("\\u").Append(((int)c).ToString("X4"));
                        else text.Append(c);
                        break;
                }
            }
            return text.Append('"').ToString();
        }

        private void EnsureTrailingNewline()
        {
            if (_lines.Count > 0 && !_lines[_lines.Count - 1].EndsWith("\n")) _lines[_lines.Count - 1] += _newline;
        }

        private void Check() => TomlReader.Instance.Parse(ToString(), "targets.toml (edited)");

        private static void RequireName(string name)
        {
            if (!TargetRegistry.IsValidName(name))
                throw new ArgumentException($"target name \"{name}\" must be 1..64 characters of a-z, 0-9, '_' or '-'", nameof(name));
        }

        private static bool IsBlank(string line) => line.Trim().Length == 0;

        private static List<string> SplitKeepingEndings(string text)
        {
            var lines = new List<string>();
            int start = 0;
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i] != '\n') continue;
                lines.Add(text.Substring(start, i - start + 1));
                start = i + 1;
            }
            if (start < text.Length) lines.Add(text.Substring(start));
            return lines;
        }
    }
}
