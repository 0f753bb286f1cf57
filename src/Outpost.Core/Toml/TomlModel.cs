using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;

namespace Outpost.Core.Toml
{
    /// <summary>A TOML reader. Outpost's own is <see cref="TomlReader"/>; a library could stand in behind this.</summary>
    public interface ITomlReader
    {
        TomlTable Parse(string text, string? sourceName = null);
    }

    /// <summary>A document that is not valid TOML 1.0, with where and why.</summary>
    public sealed class TomlException : FormatException
    {
        public TomlException(string? source, int line, int column, string reason)
            : base($"{source ?? "toml"}:{line}:{column}: {reason}")
        {
            Source = source;
            Line = line;
            Column = column;
            Reason = reason;
        }

        public new string? Source { get; }
        public int Line { get; }
        public int Column { get; }
        public string Reason { get; }
    }

    /// <summary>A table, keys in the order they were defined. Values: string, long, double, bool, TomlDateTime, TomlArray, TomlTable.</summary>
    public sealed class TomlTable : IEnumerable<KeyValuePair<string, object>>
    {
        private readonly List<string> _order = new List<string>();
        private readonly Dictionary<string, object> _values = new Dictionary<string, object>(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _lines = new Dictionary<string, int>(StringComparer.Ordinal);

        // How the table came to be; the redefinition rules of TOML depend on it.
        internal bool ExplicitlyDefined { get; set; }
        internal bool DefinedByDottedKeys { get; set; }
        internal bool IsInline { get; set; }
        internal string? SourceName { get; set; }

        public int Count => _order.Count;
        public IEnumerable<string> Keys => _order;
        public object this[string key] => _values[key];

        public bool ContainsKey(string key) => _values.ContainsKey(key);

        public bool TryGetValue(string key, out object? value)
        {
            bool found = _values.TryGetValue(key, out var v);
            value = v;
            return found;
        }

        /// <summary>The line the key was defined on (1-based), or 0.</summary>
        public int GetLine(string key) => _lines.TryGetValue(key, out int line) ? line : 0;

        internal void Add(string key, object value, int line)
        {
            _order.Add(key);
            _values[key] = value;
            _lines[key] = line;
        }

        public string? GetString(string key) => Get<string>(key, "a string");
        public long? GetLong(string key) => _values.ContainsKey(key) ? Get<object>(key, "an integer") is long l ? l : throw WrongType(key, "an integer") : (long?)null;
        public bool? GetBool(string key) => _values.ContainsKey(key) ? Get<object>(key, "true or false") is bool b ? b : throw WrongType(key, "true or false") : (bool?)null;
        public TomlTable? GetTable(string key) => Get<TomlTable>(key, "a table");

        public IList<string>? GetStringArray(string key)
        {
            var array = Get<TomlArray>(key, "an array of strings");
            if (array is null) return null;
            var list = new List<string>();
            foreach (object item in array)
                list.Add(item as string ?? throw WrongType(key, "an array of strings"));
            return list;
        }

        private T? Get<T>(string key, string expected) where T : class
        {
            if (!_values.TryGetValue(key, out var value)) return null;
            return value as T ?? throw WrongType(key, expected);
        }

        private TomlException WrongType(string key, string expected) =>
            new TomlException(SourceName, GetLine(key), 1, $"\"{key}\" must be {expected}, not {TomlTypes.Describe(_values[key])}");

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
        {
            foreach (string key in _order) yield return new KeyValuePair<string, object>(key, _values[key]);
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public sealed class TomlArray : IReadOnlyList<object>
    {
        private readonly List<object> _items = new List<object>();

        /// <summary>An array written as a value (not [[array of tables]]): it can never be extended.</summary>
        internal bool IsStatic { get; set; }

        public int Count => _items.Count;
        public object this[int index] => _items[index];
        internal void Add(object item) => _items.Add(item);
        public IEnumerator<object> GetEnumerator() => _items.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public enum TomlDateTimeKind { OffsetDateTime, LocalDateTime, LocalDate, LocalTime }

    /// <summary>A TOML date/time, kept as its canonical text (T separator, upper-case Z) so no precision is lost.</summary>
    public sealed class TomlDateTime
    {
        public TomlDateTime(TomlDateTimeKind kind, string text)
        {
            Kind = kind;
            Text = text;
        }

        public TomlDateTimeKind Kind { get; }
        public string Text { get; }

        public DateTimeOffset? ToDateTimeOffset() =>
            Kind == TomlDateTimeKind.OffsetDateTime &&
            DateTimeOffset.TryParse(Text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value : (DateTimeOffset?)null;

        public override string ToString() => Text;
    }

    internal static class TomlTypes
    {
        public static string Describe(object value) => value switch
        {
            string _ => "a string",
            long _ => "an integer",
            double _ => "a float",
            bool _ => "a boolean",
            TomlDateTime _ => "a date-time",
            TomlArray _ => "an array",
            TomlTable _ => "a table",
            _ => value.GetType().Name,
        };
    }
}
