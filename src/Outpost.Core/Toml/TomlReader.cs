using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Outpost.Core.Toml
{
    /// <summary>
    /// A TOML 1.0.0 reader: the whole specification, checked against the official toml-test suite.
    /// Errors name the line and column where the document stops being valid.
    /// </summary>
    public sealed class TomlReader : ITomlReader
    {
        public static readonly TomlReader Instance = new TomlReader();

        public TomlTable Parse(string text, string? sourceName = null) => new Parser(text, sourceName).ParseDocument();

        private sealed class Parser
        {
            private readonly string _s;
            private readonly string? _source;
            private int _pos;
            private int _line = 1;
            private int _lineStart;
            private readonly TomlTable _root;
            private TomlTable _current;

            public Parser(string text, string? source)
            {
                _s = text;
                _source = source;
                _root = new TomlTable { SourceName = source };
                _current = _root;
            }

            public TomlTable ParseDocument()
            {
                if (_s.Length > 0 && _s[0] == '\uFEFF') _pos = 1;
                while (!AtEnd)
                {
                    SkipWhitespace();
                    if (AtEnd) break;
                    char c = Peek;
                    if (c == '#' || c == '\n' || c == '\r') { EndOfLine(); continue; }
                    if (c == '[') ParseHeader();
                    else ParseKeyValue(_current);
                    EndOfLine();
                }
                return _root;
            }

            // ---- structure -------------------------------------------------------------------

            private void ParseHeader()
            {
                int line = _line;
                _pos++; // [
                bool arrayOfTables = !AtEnd && Peek == '[';
                if (arrayOfTables) _pos++;
                SkipWhitespace();
                var keys = ParseKey();
                SkipWhitespace();
                Expect(']', "expected ']' to close the table header");
                if (arrayOfTables) Expect(']', "expected ']]' to close the array-of-tables header");

                TomlTable table = _root;
                for (int i = 0; i < keys.Count - 1; i++) table = Descend(table, keys[i], line);
                string last = keys[keys.Count - 1];
                if (arrayOfTables)
                {
                    if (!table.TryGetValue(last, out object? existing))
                    {
                        var array = new TomlArray();
                        table.Add(last, array, line);
                        existing = array;
                    }
                    if (!(existing is TomlArray aot) || aot.IsStatic)
                        throw Error($"cannot define [[{Join(keys)}]]: \"{last}\" is already {TomlTypes.Describe(existing!)}");
                    var element = new TomlTable { ExplicitlyDefined = true, SourceName = _source };
                    aot.Add(element);
                    _current = element;
                    return;
                }
                if (table.TryGetValue(last, out object? value))
                {
                    if (!(value is TomlTable existingTable) || existingTable.ExplicitlyDefined || existingTable.DefinedByDottedKeys || existingTable.IsInline)
                        throw Error($"table [{Join(keys)}] is defined more than once");
                    existingTable.ExplicitlyDefined = true;
                    _current = existingTable;
                    return;
                }
                var created = new TomlTable { ExplicitlyDefined = true, SourceName = _source };
                table.Add(last, created, line);
                _current = created;
            }

            /// <summary>Walks one key of a header path, creating implicit tables and entering the last element of an array of tables.</summary>
            private TomlTable Descend(TomlTable table, string key, int line)
            {
                if (!table.TryGetValue(key, out object? value))
                {
                    var created = new TomlTable { SourceName = _source };
                    table.Add(key, created, line);
                    return created;
                }
                if (value is TomlTable t)
                {
                    if (t.IsInline) throw Error($"cannot extend the inline table \"{key}\"");
                    return t;
                }
                if (value is TomlArray a && !a.IsStatic && a.Count > 0) return (TomlTable)a[a.Count - 1];
                throw Error($"\"{key}\" is {TomlTypes.Describe(value!)}, not a table");
            }

            private void ParseKeyValue(TomlTable table)
            {
                int line = _line;
                var keys = ParseKey();
                SkipWhitespace();
                Expect('=', $"expected '=' after key \"{Join(keys)}\"");
                SkipWhitespace();
                if (AtEnd || Peek == '\n' || Peek == '\r' || Peek == '#') throw Error($"expected a value for \"{Join(keys)}\"");
                object value = ParseValue();
                TomlTable target = table;
                for (int i = 0; i < keys.Count - 1; i++)
                {
                    string key = keys[i];
                    if (!target.TryGetValue(key, out object? existing))
                    {
                        var created = new TomlTable { DefinedByDottedKeys = true, SourceName = _source };
                        target.Add(key, created, line);
                        target = created;
                        continue;
                    }
                    if (existing is TomlTable t && t.DefinedByDottedKeys && !t.IsInline)
                    {
                        target = t;
                        continue;
                    }
                    throw Error($"cannot add keys to \"{key}\" with a dotted key: it is {(existing is TomlTable ? "a table defined elsewhere" : TomlTypes.Describe(existing!))}");
                }
                string last = keys[keys.Count - 1];
                if (target.ContainsKey(last)) throw Error($"key \"{Join(keys)}\" is defined more than once");
                target.Add(last, value, line);
            }

            private List<string> ParseKey()
            {
                var parts = new List<string>();
                while (true)
                {
                    if (AtEnd) throw Error("expected a key");
                    char c = Peek;
                    if (c == '"') parts.Add(ParseBasicString(allowMultiline: false));
                    else if (c == '\'') parts.Add(ParseLiteralString(allowMultiline: false));
                    else
                    {
                        int start = _pos;
                        while (!AtEnd && IsBareKeyChar(Peek)) _pos++;
                        if (_pos == start) throw Error(c == '=' ? "expected a key before '='" : $"invalid character {Show(c)} in a key");
                        parts.Add(_s.Substring(start, _pos - start));
                    }
                    SkipWhitespace();
                    if (AtEnd || Peek != '.') return parts;
                    _pos++;
                    SkipWhitespace();
                }
            }

            private static bool IsBareKeyChar(char c) =>
                (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';

            // ---- values ----------------------------------------------------------------------

            private object ParseValue()
            {
                if (AtEnd) throw Error("expected a value");
                char c = Peek;
                switch (c)
                {
                    case '"': return ParseBasicString(allowMultiline: true);
                    case '\'': return ParseLiteralString(allowMultiline: true);
                    case '[': return ParseArray();
                    case '{': return ParseInlineTable();
                    case 't': ExpectWord("true"); return true;
                    case 'f': ExpectWord("false"); return false;
                    case 'i': ExpectWord("inf"); return double.PositiveInfinity;
                    case 'n': ExpectWord("nan"); return double.NaN;
                }
                if (c == '+' || c == '-' || (c >= '0' && c <= '9')) return ParseNumberOrDate();
                throw Error($"unexpected {Show(c)}: expected a value (string, number, boolean, date, array or inline table)");
            }

            private void ExpectWord(string word)
            {
                if (string.CompareOrdinal(_s, _pos, word, 0, word.Length) != 0) throw Error($"invalid value: expected {word}");
                _pos += word.Length;
            }

            private TomlArray ParseArray()
            {
                _pos++; // [
                var array = new TomlArray { IsStatic = true };
                while (true)
                {
                    SkipWhitespaceCommentsAndNewlines();
                    if (AtEnd) throw Error("unterminated array: expected ']'");
                    if (Peek == ']') { _pos++; return array; }
                    array.Add(ParseValue());
                    SkipWhitespaceCommentsAndNewlines();
                    if (AtEnd) throw Error("unterminated array: expected ']'");
                    if (Peek == ',') { _pos++; continue; }
                    if (Peek == ']') { _pos++; return array; }
                    throw Error($"expected ',' or ']' in array, found {Show(Peek)}");
                }
            }

            private TomlTable ParseInlineTable()
            {
                _pos++; // {
                var table = new TomlTable { ExplicitlyDefined = true, SourceName = _source };
                SkipWhitespace();
                if (!AtEnd && Peek == '}') { _pos++; Freeze(table); return table; }
                while (true)
                {
                    SkipWhitespace();
                    if (AtEnd || Peek == '\n' || Peek == '\r') throw Error("inline tables must be on one line: expected '}'");
                    ParseKeyValue(table);
                    SkipWhitespace();
                    if (AtEnd) throw Error("unterminated inline table: expected '}'");
                    if (Peek == ',')
                    {
                        _pos++;
                        SkipWhitespace();
                        if (!AtEnd && Peek == '}') throw Error("trailing comma is not allowed in an inline table");
                        continue;
                    }
                    if (Peek == '}') { _pos++; Freeze(table); return table; }
                    throw Error($"expected ',' or '}}' in inline table, found {Show(Peek)}");
                }
            }

            /// <summary>An inline table is complete as written: nothing may add to it or its sub-tables later.</summary>
            private static void Freeze(TomlTable table)
            {
                table.IsInline = true;
                foreach (var pair in table)
                {
                    if (pair.Value is TomlTable t) Freeze(t);
                    else if (pair.Value is TomlArray a) { a.IsStatic = true; foreach (object item in a) if (item is TomlTable it) Freeze(it); }
                }
            }

            // ---- strings ---------------------------------------------------------------------

            private string ParseBasicString(bool allowMultiline)
            {
                if (allowMultiline && Match("\"\"\"")) return ParseMultilineBasic();
                _pos++; // "
                var text = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw Error("unterminated string: expected '\"'");
                    char c = _s[_pos];
                    if (c == '"') { _pos++; return text.ToString(); }
                    if (c == '\n' || c == '\r') throw Error("a basic string cannot span lines (use \"\"\" for multi-line strings)");
                    if (c == '\\') { ParseEscape(text); continue; }
                    CheckStringChar(c);
                    AppendChar(text);
                }
            }

            private string ParseMultilineBasic()
            {
                _pos += 3;
                SkipOneNewline();
                var text = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw Error("unterminated multi-line string: expected '\"\"\"'");
                    char c = _s[_pos];
                    if (c == '"' && Match("\"\"\"")) return Close(text, '"');
                    if (c == '\\')
                    {
                        int after = _pos + 1;
                        while (after < _s.Length && (_s[after] == ' ' || _s[after] == '\t')) after++;
                        if (after < _s.Length && (_s[after] == '\n' || (_s[after] == '\r' && after + 1 < _s.Length && _s[after + 1] == '\n')))
                        {
                            // Line-ending backslash: drop it and all whitespace and newlines that follow.
                            _pos = after;
                            while (!AtEnd && (Peek == ' ' || Peek == '\t' || Peek == '\n' || Peek == '\r'))
                            {
                                if (Peek == '\r' && !(_pos + 1 < _s.Length && _s[_pos + 1] == '\n')) throw Error("a bare carriage return is not allowed");
                                Advance();
                            }
                            continue;
                        }
                        ParseEscape(text);
                        continue;
                    }
                    if (c == '\n') { text.Append('\n'); Advance(); continue; }
                    if (c == '\r')
                    {
                        if (_pos + 1 < _s.Length && _s[_pos + 1] == '\n') { text.Append("\r\n"); _pos++; Advance(); continue; }
                        throw Error("a bare carriage return is not allowed");
                    }
                    CheckStringChar(c);
                    AppendChar(text);
                }
            }

            private string ParseLiteralString(bool allowMultiline)
            {
                if (allowMultiline && Match("'''")) return ParseMultilineLiteral();
                _pos++;
                int start = _pos;
                while (true)
                {
                    if (AtEnd) throw Error("unterminated literal string: expected \"'\"");
                    char c = _s[_pos];
                    if (c == '\'') { string value = _s.Substring(start, _pos - start); _pos++; return value; }
                    if (c == '\n' || c == '\r') throw Error("a literal string cannot span lines (use ''' for multi-line strings)");
                    CheckStringChar(c);
                    SkipChar();
                }
            }

            private string ParseMultilineLiteral()
            {
                _pos += 3;
                SkipOneNewline();
                var text = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw Error("unterminated multi-line literal string: expected \"'''\"");
                    char c = _s[_pos];
                    if (c == '\'' && Match("'''")) return Close(text, '\'');
                    if (c == '\n') { text.Append('\n'); Advance(); continue; }
                    if (c == '\r')
                    {
                        if (_pos + 1 < _s.Length && _s[_pos + 1] == '\n') { text.Append("\r\n"); _pos++; Advance(); continue; }
                        throw Error("a bare carriage return is not allowed");
                    }
                    CheckStringChar(c);
                    AppendChar(text);
                }
            }

            /// <summary>Ends a multi-line string at its closing delimiter; up to two quotes may sit right before it.</summary>
            private string Close(StringBuilder text, char quote)
            {
                int quotes = 3;
                while (quotes < 5 && _pos + quotes < _s.Length && _s[_pos + quotes] == quote) quotes++;
                text.Append(quote, quotes - 3);
                _pos += quotes;
                return text.ToString();
            }

            private void ParseEscape(StringBuilder text)
            {
                _pos++; // backslash
                if (AtEnd) throw Error("unterminated escape sequence");
                char e = _s[_pos++];
                switch (e)
                {
                    case 'b': text.Append('\b'); return;
                    case 't': text.Append('\t'); return;
                    case 'n': text.Append('\n'); return;
                    case 'f': text.Append('\f'); return;
                    case 'r': text.Append('\r'); return;
                    case '"': text.Append('"'); return;
                    case '\\': text.Append('\\'); return;
                    case 'u': AppendCodePoint(text, 4); return;
                    case 'U': AppendCodePoint(text, 8); return;
                }
                _pos--;
                throw Error($"invalid escape sequence \\{e}");
            }

            private void AppendCodePoint(StringBuilder text, int digits)
            {
                if (_pos + digits > _s.Length) throw Error($"\\{(digits == 4 ? 'u' : 'U')} needs {digits} hex digits");
                string hex = _s.Substring(_pos, digits);
                foreach (char h in hex) if (!Uri.IsHexDigit(h)) throw Error($"invalid unicode escape \"{hex}\"");
                int code = int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (code < 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                    throw Error($"\\{(digits == 4 ? 'u' : 'U')}{hex} is not a Unicode scalar value");
                text.Append(char.ConvertFromUtf32(code));
                _pos += digits;
            }

            /// <summary>Control characters other than tab are not allowed in strings (nor in comments).</summary>
            private void CheckStringChar(char c)
            {
                if ((c < 0x20 && c != '\t') || c == 0x7F) throw Error($"control character {Show(c)} must be escaped");
            }

            private void AppendChar(StringBuilder text)
            {
                char c = _s[_pos];
                if (char.IsHighSurrogate(c))
                {
                    if (_pos + 1 >= _s.Length || !char.IsLowSurrogate(_s[_pos + 1])) throw Error("invalid UTF-16 surrogate");
                    text.Append(c).Append(_s[_pos + 1]);
                    _pos += 2;
                    return;
                }
                if (char.IsLowSurrogate(c)) throw Error("invalid UTF-16 surrogate");
                text.Append(c);
                _pos++;
            }

            private void SkipChar()
            {
                char c = _s[_pos];
                if (char.IsHighSurrogate(c) && _pos + 1 < _s.Length && char.IsLowSurrogate(_s[_pos + 1])) { _pos += 2; return; }
                if (char.IsSurrogate(c)) throw Error("invalid UTF-16 surrogate");
                _pos++;
            }

            private void SkipOneNewline()
            {
                if (!AtEnd && Peek == '\n') Advance();
                else if (Match("\r\n")) { _pos++; Advance(); }
            }

            // ---- numbers and dates -----------------------------------------------------------

            private object ParseNumberOrDate()
            {
                int start = _pos;
                // A token runs to whitespace, a comma, a bracket, a brace, a comment or a newline;
                // a space followed by a time is part of a date-time (1979-05-27 07:32:00).
                while (!AtEnd && !IsTokenEnd(Peek)) _pos++;
                if (!AtEnd && Peek == ' ' && LooksLikeDate(start) && _pos + 1 < _s.Length && char.IsDigit(_s[_pos + 1]))
                {
                    int save = _pos;
                    _pos++;
                    while (!AtEnd && !IsTokenEnd(Peek)) _pos++;
                    string candidate = _s.Substring(start, _pos - start);
                    if (TomlDates.TryParse(candidate, out var withTime)) return withTime!;
                    _pos = save;
                }
                string token = _s.Substring(start, _pos - start);
                if (LooksLikeDate(start) || (token.Length >= 3 && token[2] == ':'))
                {
                    if (TomlDates.TryParse(token, out var date)) return date!;
                    ResetTo(start);
                    throw Error($"invalid date or time \"{token}\"");
                }
                object? number = TomlNumbers.Parse(token, out string? why);
                if (number != null) return number;
                ResetTo(start);
                throw Error($"invalid value \"{token}\": {why}");
            }

            private bool LooksLikeDate(int start) => start + 4 < _s.Length && _s[start + 4] == '-' &&
                                                     char.IsDigit(_s[start]) && char.IsDigit(_s[start + 3]);

            private static bool IsTokenEnd(char c) => c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' || c == '\r' || c == '[' || c == '{';

            // ---- whitespace, comments, lines ---------------------------------------------------

            private void SkipWhitespace()
            {
                while (!AtEnd && (Peek == ' ' || Peek == '\t')) _pos++;
            }

            private void SkipWhitespaceCommentsAndNewlines()
            {
                while (!AtEnd)
                {
                    char c = Peek;
                    if (c == ' ' || c == '\t') _pos++;
                    else if (c == '\n') Advance();
                    else if (c == '\r')
                    {
                        if (_pos + 1 < _s.Length && _s[_pos + 1] == '\n') { _pos++; Advance(); }
                        else throw Error("a bare carriage return is not allowed");
                    }
                    else if (c == '#') SkipComment();
                    else return;
                }
            }

            private void SkipComment()
            {
                _pos++; // #
                while (!AtEnd && Peek != '\n')
                {
                    char c = Peek;
                    if (c == '\r' && _pos + 1 < _s.Length && _s[_pos + 1] == '\n') return;
                    if ((c < 0x20 && c != '\t') || c == 0x7F) throw Error($"control character {Show(c)} is not allowed in a comment");
                    SkipChar();
                }
            }

            /// <summary>After a key/value or header: optional whitespace and comment, then a newline or the end.</summary>
            private void EndOfLine()
            {
                SkipWhitespace();
                if (!AtEnd && Peek == '#') SkipComment();
                if (AtEnd) return;
                if (Peek == '\n') { Advance(); return; }
                if (Peek == '\r' && _pos + 1 < _s.Length && _s[_pos + 1] == '\n') { _pos++; Advance(); return; }
                throw Error($"expected the end of the line, found {Show(Peek)}");
            }

            private bool AtEnd => _pos >= _s.Length;
            private char Peek => _s[_pos];

            private bool Match(string text) => string.CompareOrdinal(_s, _pos, text, 0, text.Length) == 0 && _pos + text.Length <= _s.Length;

            private void Advance()
            {
                if (_s[_pos] == '\n')
                {
                    _line++;
                    _lineStart = _pos + 1;
                }
                _pos++;
            }

            private void Expect(char c, string message)
            {
                if (AtEnd || Peek != c) throw Error(message);
                _pos++;
            }

            private void ResetTo(int position) => _pos = position;

            private TomlException Error(string reason) => new TomlException(_source, _line, _pos - _lineStart + 1, reason);

            private static string Show(char c) => c < 0x20 || c == 0x7F ? $"U+{(int)c:X4}" : $"'{c}'";

            private static string Join(List<string> keys) => string.Join(".", keys);
        }
    }
}
