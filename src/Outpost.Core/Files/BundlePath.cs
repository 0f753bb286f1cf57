using System;
using System.Collections.Generic;
using System.Linq;

namespace Outpost.Core.Files
{
    /// <summary>
    /// The relative path of one file in a bundle ('/'-separated, as it travels). Every path read back from
    /// a share is hostile until <see cref="Check"/> passes: it can never leave the folder it is unpacked
    /// into, name a device, or mean two different files on two systems.
    /// </summary>
    public static class BundlePath
    {
        private static readonly char[] WindowsForbidden = { '<', '>', ':', '"', '|', '?', '*', '\\' };
        private static readonly HashSet<string> WindowsDevices = new HashSet<string>(
            new[] { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" }
                .Concat(Enumerable.Range(0, 10).SelectMany(i => new[] { "COM" + i, "LPT" + i })),
            StringComparer.OrdinalIgnoreCase);

        /// <summary>Null when the path is safe to unpack on this host; otherwise why not.</summary>
        public static string? Check(string? path) => Check(path, Transport.NativeFiles.IsWindows);

        internal static string? Check(string? path, bool windows)
        {
            if (string.IsNullOrEmpty(path)) return "an empty path";
            if (path!.Length > 4096) return "a path longer than 4096 characters";
            if (path[0] == '/') return $"\"{Printable(path)}\" is not a relative path with '/' separators";
            foreach (string segment in path.Split('/'))
            {
                if (segment.Length == 0 || segment == "." || segment == "..")
                    return $"\"{Printable(path)}\" has an empty, '.' or '..' part";
                if (segment.Any(c => c < 0x20 || c == 0x7f))
                    return $"\"{Printable(path)}\" has a control character";
                if (windows && (segment.IndexOfAny(WindowsForbidden) >= 0 || segment.EndsWith(".", StringComparison.Ordinal) ||
                                segment.EndsWith(" ", StringComparison.Ordinal) || WindowsDevices.Contains(segment.Split('.')[0].TrimEnd(' '))))
                    return $"\"{Printable(path)}\" is not a valid file name on Windows";
            }
            return null;
        }

        /// <summary>The local path under <paramref name="root"/> for a checked bundle path.</summary>
        public static string Under(string root, string path) =>
            System.IO.Path.Combine(new[] { root }.Concat(path.Split('/')).ToArray());

        /// <summary>Encodes a path for one key=value line: the characters the format cannot keep become %XX.</summary>
        public static string Encode(string path)
        {
            var text = new System.Text.StringBuilder(path.Length);
            foreach (char c in path)
            {
                if (c == '%' || c < 0x20 || c == 0x7f) text.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                else text.Append(c);
            }
            string encoded = text.ToString();
            // Readers trim values: a leading or trailing space must survive.
            if (encoded.StartsWith(" ", StringComparison.Ordinal)) encoded = "%20" + encoded.Substring(1);
            if (encoded.EndsWith(" ", StringComparison.Ordinal)) encoded = encoded.Substring(0, encoded.Length - 1) + "%20";
            return encoded;
        }

        public static string Decode(string encoded)
        {
            var text = new System.Text.StringBuilder(encoded.Length);
            for (int i = 0; i < encoded.Length; i++)
            {
                if (encoded[i] == '%' && i + 2 < encoded.Length &&
                    int.TryParse(encoded.Substring(i + 1, 2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out int code))
                {
                    text.Append((char)code);
                    i += 2;
                }
                else text.Append(encoded[i]);
            }
            return text.ToString();
        }

        public static string Printable(string path) => Transport.ShareAddress.Printable(path.Length > 200 ? path.Substring(0, 200) + "…" : path);
    }
}
