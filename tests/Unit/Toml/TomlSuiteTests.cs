using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outpost.Core.Toml;
using Outpost.Tests.Support;

namespace Outpost.Tests.Toml
{
    /// <summary>
    /// The official toml-test suite (../shared/toml-test), TOML 1.0.0 file list: every valid document
    /// decodes to the tagged JSON beside it, every invalid one is rejected with a TomlException.
    /// </summary>
    public class TomlSuiteTests
    {
        private static readonly string? Suite = SharedMaterial.SharedFolder is string s ? Path.Combine(s, "toml-test", "tests") : null;

        public static TheoryData<string> ValidFiles() => Files("valid/");
        public static TheoryData<string> InvalidFiles() => Files("invalid/");

        private static TheoryData<string> Files(string prefix)
        {
            var data = new TheoryData<string>();
            string? list = Suite is null ? null : Path.Combine(Suite, "files-toml-1.0.0");
            if (list is null || !File.Exists(list))
            {
                data.Add("(suite absent)");
                return data;
            }
            foreach (string line in File.ReadAllLines(list))
                if (line.StartsWith(prefix) && line.EndsWith(".toml")) data.Add(line);
            return data;
        }

        [Theory]
        [MemberData(nameof(ValidFiles))]
        public void Valid_documents_decode_to_the_expected_json(string file)
        {
            string path = Require(file);
            var document = TomlReader.Instance.Parse(ReadStrictUtf8(path), file);
            var expected = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
            var actual = TaggedJson.Encode(document);
            Assert.True(TaggedJson.Equal(expected, actual),
                $"{file}\nexpected: {expected?.ToJsonString()}\nactual:   {actual.ToJsonString()}");
        }

        [Theory]
        [MemberData(nameof(InvalidFiles))]
        public void Invalid_documents_are_rejected(string file)
        {
            string path = Require(file);
            string text;
            try { text = ReadStrictUtf8(path); }
            catch (DecoderFallbackException) { return; } // invalid UTF-8 is rejected before parsing
            Assert.Throws<TomlException>(() => TomlReader.Instance.Parse(text, file));
        }

        private static string Require(string file)
        {
            if (file == "(suite absent)") Assert.Skip("../shared/toml-test is not present (a user's clone): skipped");
            return Path.Combine(Suite!, file);
        }

        /// <summary>TOML documents must be valid UTF-8; the config loaders read files the same way.</summary>
        private static string ReadStrictUtf8(string path) =>
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
    }

    /// <summary>toml-test's tagged JSON: every scalar as {"type": …, "value": "…"}.</summary>
    internal static class TaggedJson
    {
        public static JsonNode Encode(object value) => value switch
        {
            TomlTable table => new JsonObject(table.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Encode(p.Value)))),
            TomlArray array => new JsonArray(array.Select(v => (JsonNode?)Encode(v)).ToArray()),
            string s => Tag("string", s),
            long l => Tag("integer", l.ToString(CultureInfo.InvariantCulture)),
            double d => Tag("float", double.IsNaN(d) ? "nan" : double.IsPositiveInfinity(d) ? "inf" : double.IsNegativeInfinity(d) ? "-inf" : d.ToString("R", CultureInfo.InvariantCulture)),
            bool b => Tag("bool", b ? "true" : "false"),
            TomlDateTime t => Tag(t.Kind switch
            {
                TomlDateTimeKind.OffsetDateTime => "datetime",
                TomlDateTimeKind.LocalDateTime => "datetime-local",
                TomlDateTimeKind.LocalDate => "date-local",
                _ => "time-local",
            }, t.Text),
            _ => throw new InvalidOperationException("unexpected value " + value.GetType()),
        };

        private static JsonObject Tag(string type, string value) => new JsonObject { ["type"] = type, ["value"] = value };

        public static bool Equal(JsonNode? expected, JsonNode? actual)
        {
            switch (expected)
            {
                case JsonObject e when e.Count == 2 && e["type"] is JsonValue && e["value"] is JsonValue:
                    if (!(actual is JsonObject a) || a["type"]?.GetValue<string>() != e["type"]!.GetValue<string>()) return false;
                    return ScalarEqual(e["type"]!.GetValue<string>(), e["value"]!.GetValue<string>(), a["value"]!.GetValue<string>());
                case JsonObject e:
                    return actual is JsonObject o && o.Count == e.Count && e.All(p => o.ContainsKey(p.Key) && Equal(p.Value, o[p.Key]));
                case JsonArray e:
                    return actual is JsonArray arr && arr.Count == e.Count && e.Select((v, i) => Equal(v, arr[i])).All(x => x);
                default:
                    return false;
            }
        }

        private static bool ScalarEqual(string type, string expected, string actual)
        {
            if (expected == actual) return true;
            switch (type)
            {
                case "float":
                    double e = ParseFloat(expected), a = ParseFloat(actual);
                    return (double.IsNaN(e) && double.IsNaN(a)) || e.Equals(a);
                case "integer":
                    return long.Parse(expected, CultureInfo.InvariantCulture) == long.Parse(actual, CultureInfo.InvariantCulture);
                case "datetime":
                case "datetime-local":
                case "time-local":
                    return NormalizeTime(expected) == NormalizeTime(actual);
                default:
                    return false;
            }
        }

        private static double ParseFloat(string s) => s switch
        {
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" or "+nan" or "-nan" => double.NaN,
            _ => double.Parse(s, CultureInfo.InvariantCulture),
        };

        /// <summary>Same instant written differently: 'z' vs 'Z', trailing zeros of the fraction.</summary>
        private static string NormalizeTime(string s)
        {
            s = s.Replace('z', 'Z').Replace('t', 'T').Replace(' ', 'T');
            int dot = s.IndexOf('.');
            if (dot < 0) return s;
            int end = dot + 1;
            while (end < s.Length && char.IsDigit(s[end])) end++;
            string fraction = s.Substring(dot + 1, end - dot - 1).TrimEnd('0');
            return s.Substring(0, dot) + (fraction.Length > 0 ? "." + fraction : "") + s.Substring(end);
        }
    }
}
