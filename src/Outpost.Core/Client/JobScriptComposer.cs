using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Outpost.Core.Protocol;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Builds the job file's bytes. v1 carries nothing but the script, so a timeout becomes the header
    /// line, and environment variables and a working folder become statements in the script's own
    /// language placed after the header, in the script's own line ending. The encoding is chosen per
    /// interpreter (see <see cref="ScriptText"/>): a UTF-8 byte order mark only where PowerShell needs it,
    /// UTF-16 scripts converted to UTF-8, and cmd switched to UTF-8 before it reads the lines.
    /// </summary>
    public static class JobScriptComposer
    {
        private static readonly Regex EnvironmentName = new Regex(@"\A[A-Za-z_][A-Za-z0-9_]*\z", RegexOptions.CultureInvariant);

        /// <summary>
        /// cmd reads a batch file, and writes its output, in the console code page, which is the target's OEM
        /// code page unless changed; the submitter cannot know that page, so cmd jobs switch to UTF-8 first.
        /// </summary>
        // chcp sets the active console code page, used by cmd for batch lines and output: https://learn.microsoft.com/windows-server/administration/windows-commands/chcp
        public const string CmdUtf8Line = "@chcp 65001 >nul 2>nul";

        /// <param name="filesSha256">The SHA-256 of the job's file manifest, named in a header line; null when it has none.</param>
        public static byte[] Compose(JobSubmission job, string? filesSha256 = null)
        {
            ScriptFamily family = Family(job.Extension);
            var script = ScriptText.Read(job.Content);
            var lines = new List<string>();
            if (job.TimeoutSeconds.HasValue) lines.Add(TimeoutHeader.Format(job.Extension, job.TimeoutSeconds.Value));
            if (filesSha256 != null) lines.Add(Files.JobFiles.DirectiveLine(job.Extension, filesSha256));
            bool switchCmd = family == ScriptFamily.Cmd && script.IsUtf8;
            if (switchCmd) lines.Add(CmdUtf8Line);
            lines.AddRange(EnvironmentLines(job.Extension, job.Environment, job.SecretNames));
            if (!string.IsNullOrEmpty(job.WorkingDirectory)) lines.Add(ChangeDirectoryLine(job.Extension, job.WorkingDirectory!));
            if (lines.Count == 0) return job.Content;

            string inserted = string.Join(script.NewLine, lines) + script.NewLine;
            if (!script.IsUtf8 && inserted.Any(c => c > 127))
                throw new ArgumentException($"this .{job.Extension} script is in a legacy code page, not UTF-8, so non-ASCII environment values " +
                                            "or folders cannot be written into it: save the script as UTF-8");
            // PowerShell 5.1 reads a file without a BOM as ANSI; every other interpreter would take the BOM
            // for part of the first inserted command. The BOM sits on a line of its own, so a peer that does
            // not skip it still finds the timeout header on the next line.
            bool bom = family == ScriptFamily.PowerShell && script.IsUtf8;
            var utf8 = new UTF8Encoding(false);
            using var composed = new System.IO.MemoryStream();
            if (bom) { composed.Write(ScriptText.Utf8Bom, 0, 3); Write(composed, utf8.GetBytes(script.NewLine)); }
            Write(composed, utf8.GetBytes(inserted));
            Write(composed, script.Body);
            return composed.ToArray();
        }

        private static void Write(System.IO.Stream to, byte[] bytes) => to.Write(bytes, 0, bytes.Length);

        private static IEnumerable<string> EnvironmentLines(string ext, IDictionary<string, string> environment, ISet<string> secrets)
        {
            foreach (var pair in environment.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!EnvironmentName.IsMatch(pair.Key))
                    throw new ArgumentException($"environment variable name \"{pair.Key}\" is not valid: use letters, digits and '_', not starting with a digit");
                string value = pair.Value ?? "";
                // A secret is redacted line by line when archived, so it must be one line: one with a line
                // break is written encoded (Python's quoting and cmd's refusal already keep it on one line).
                bool encode = secrets.Contains(pair.Key) && (value.IndexOf('\n') >= 0 || value.IndexOf('\r') >= 0);
                string line = Family(ext) switch
                {
                    ScriptFamily.Posix => encode ? PosixEncodedExport(pair.Key, value) : $"export {pair.Key}={PosixQuote(value)}",
                    ScriptFamily.PowerShell => $"$env:{pair.Key} = {(encode ? PowerShellEncoded(value) : PowerShellQuote(value))}",
                    ScriptFamily.Cmd => $"@set \"{pair.Key}={CmdEscape(value)}\"",
                    ScriptFamily.Python => $"__import__('os').environ[{PythonQuote(pair.Key)}] = {PythonQuote(value)}",
                    _ => throw Unsupported(ext, "environment variables"),
                };
                // The marker comment tells the responder to redact this value when it archives the job.
                if (secrets.Contains(pair.Key))
                    line += Family(ext) == ScriptFamily.Cmd ? " & REM " + Responding.SecretRedactor.Marker : " # " + Responding.SecretRedactor.Marker;
                yield return line;
            }
        }

        private static string ChangeDirectoryLine(string ext, string dir) => Family(ext) switch
        {
            ScriptFamily.Posix => $"cd -- {PosixQuote(dir)} || exit {Wire.ExitDispatchError}",
            ScriptFamily.PowerShell => $"Set-Location -LiteralPath {PowerShellQuote(dir)} -ErrorAction Stop",
            // pushd, not cd /d: it also enters a UNC path (mapping a temporary drive letter), which cd cannot.
            ScriptFamily.Cmd => $"@pushd \"{CmdEscape(dir)}\" || exit /b {Wire.ExitDispatchError}",
            ScriptFamily.Python => $"__import__('os').chdir({PythonQuote(dir)})",
            _ => throw Unsupported(ext, "a working directory"),
        };

        private enum ScriptFamily { Other, Posix, PowerShell, Cmd, Python }

        private static ScriptFamily Family(string ext) => ext switch
        {
            "sh" or "bash" or "zsh" or "ksh" or "dash" => ScriptFamily.Posix,
            "ps1" => ScriptFamily.PowerShell,
            "cmd" or "bat" or "btm" => ScriptFamily.Cmd,
            "py" => ScriptFamily.Python,
            _ => ScriptFamily.Other,
        };

        private static NotSupportedException Unsupported(string ext, string what) => new NotSupportedException(
            $"a .{ext} job cannot carry {what}: wire protocol v1 sends only the script, and Outpost knows how to write " +
            "that into sh, bash, zsh, ps1, cmd, bat and py scripts; set it inside the script instead");

        /// <summary>A single-quoted sh word: each quote is closed, escaped and reopened, so nothing inside is expanded.</summary>
        public static string PosixQuote(string value) => "'" + value.Replace("'", "'\\''") + "'";

        /// <summary>
        /// The characters that open or close a PowerShell single-quoted string: the apostrophe and the four
        /// single quotation marks its tokenizer accepts (CharExtensions.IsSingleQuote).
        /// </summary>
        public static readonly char[] PowerShellSingleQuotes = { '\'', '\u2018', '\u2019', '\u201A', '\u201B' };

        /// <summary>A single-quoted literal: each quote character is doubled, which PowerShell reads as that one character.</summary>
        public static string PowerShellQuote(string value)
        {
            var text = new StringBuilder("'");
            foreach (char c in value)
            {
                if (Array.IndexOf(PowerShellSingleQuotes, c) >= 0) text.Append(c);
                text.Append(c);
            }
            return text.Append('\'').ToString();
        }

        /// <summary>An expression that yields the value from base64: one line whatever the value holds.</summary>
        private static string PowerShellEncoded(string value) =>
            "[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "'))";

        /// <summary>
        /// export with a value printf rebuilds from escapes (\n, \r, \\), all on one line; the x keeps the
        /// trailing line breaks that command substitution would strip.
        /// </summary>
        private static string PosixEncodedExport(string name, string value)
        {
            string escaped = value.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");
            return $"{name}=$(printf '%bx' {PosixQuote(escaped)}); export {name}=\"${{{name}%x}}\"";
        }

        private static string CmdEscape(string value)
        {
            if (value.IndexOf('"') >= 0 || value.IndexOf('\n') >= 0 || value.IndexOf('\r') >= 0)
                throw new ArgumentException("cmd scripts cannot carry a value with a double quote or a line break");
            return value.Replace("%", "%%");
        }

        private static string PythonQuote(string value)
        {
            var text = new StringBuilder("'");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '\\': text.Append("\\\\"); break;
                    case '\'': text.Append("\\'"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    default:
                        if (c < ' ') text.Append("\\x").Append(((int)c).ToString("x2"));
                        else text.Append(c);
                        break;
                }
            }
            return text.Append('\'').ToString();
        }
    }
}
