using System;
using System.Collections.Generic;
using System.Globalization;
using Outpost.Core.Transport;

namespace Outpost.Cli
{
    /// <summary>A usage mistake: printed with the command's usage line, exit code 2.</summary>
    internal sealed class UsageException : Exception
    {
        public UsageException(string message) : base(message) { }
    }

    /// <summary>
    /// Go-flag-style arguments: <c>--name value</c>, <c>--name=value</c>, <c>-name value</c>, boolean
    /// <c>--flag</c>; everything else is positional. Unknown flags are usage errors.
    /// </summary>
    internal sealed class Arguments
    {
        private readonly Dictionary<string, string?> _values = new Dictionary<string, string?>(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);

        public List<string> Positional { get; } = new List<string>();

        public static Arguments Parse(IReadOnlyList<string> args, ISet<string> valueFlags, ISet<string> boolFlags)
        {
            var parsed = new Arguments();
            for (int i = 0; i < args.Count; i++)
            {
                string arg = args[i];
                if (arg == "--") { for (i++; i < args.Count; i++) parsed.Positional.Add(args[i]); break; }
                if (arg.Length < 2 || arg[0] != '-' || arg == "-") { parsed.Positional.Add(arg); continue; }
                string name = arg.TrimStart('-');
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name.Substring(eq + 1); name = name.Substring(0, eq); }
                if (boolFlags.Contains(name))
                {
                    parsed._values[name] = value ?? "true";
                }
                else if (valueFlags.Contains(name))
                {
                    if (value == null)
                    {
                        if (i + 1 >= args.Count) throw new UsageException($"flag --{name} needs a value");
                        value = args[++i];
                    }
                    parsed._values[name] = value;
                }
                else if (name == "h" || name == "help")
                {
                    parsed._values["help"] = "true";
                }
                else throw new UsageException($"unknown flag --{name}");
            }
            return parsed;
        }

        public bool Has(string name) => _values.ContainsKey(name);

        public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

        public string Get(string name, string fallback) => Get(name) ?? fallback;

        public bool Flag(string name) => Get(name) is string v && v != "false" && v != "0";

        public int Int(string name, int fallback)
        {
            string? text = Get(name);
            if (text == null) return fallback;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                throw new UsageException($"--{name} expects a whole number, got \"{text}\"");
            return value;
        }

        public TimeSpan Duration(string name, TimeSpan fallback)
        {
            string? text = Get(name);
            if (text == null) return fallback;
            try { return GoDuration.Parse(text); }
            catch (FormatException e) { throw new UsageException($"--{name}: {e.Message}"); }
        }
    }
}
