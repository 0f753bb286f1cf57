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
    /// language placed after the header. A UTF-8 byte order mark stays first (Windows PowerShell 5.1
    /// needs it to read UTF-8), and inserted lines use the script's own line ending.
    /// </summary>
    public static class JobScriptComposer
    {
        private static readonly byte[] Bom = { 0xEF, 0xBB, 0xBF };
        private static readonly Regex EnvironmentName = new Regex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

        public static byte[] Compose(JobSubmission job)
        {
            byte[] content = job.Content;
            bool hasBom = content.Length >= 3 && content[0] == Bom[0] && content[1] == Bom[1] && content[2] == Bom[2];
            string newline = UsesCrLf(content) ? "\r\n" : "\n";
            var lines = new List<string>();
            if (job.TimeoutSeconds.HasValue) lines.Add(TimeoutHeader.Format(job.Extension, job.TimeoutSeconds.Value));
            lines.AddRange(EnvironmentLines(job.Extension, job.Environment, job.SecretNames));
            if (!string.IsNullOrEmpty(job.WorkingDirectory)) lines.Add(ChangeDirectoryLine(job.Extension, job.WorkingDirectory!));
            if (lines.Count == 0) return content;

            var utf8 = new UTF8Encoding(false);
            byte[] prefix = utf8.GetBytes(string.Join(newline, lines) + newline);
            int bodyStart = hasBom ? 3 : 0;
            var composed = new byte[(hasBom ? 3 : 0) + prefix.Length + content.Length - bodyStart];
            int at = 0;
            if (hasBom) { Buffer.BlockCopy(Bom, 0, composed, 0, 3); at = 3; }
            Buffer.BlockCopy(prefix, 0, composed, at, prefix.Length);
            Buffer.BlockCopy(content, bodyStart, composed, at + prefix.Length, content.Length - bodyStart);
            return composed;
        }

        private static bool UsesCrLf(byte[] content)
        {
            int limit = Math.Min(content.Length, 4096);
            for (int i = 1; i < limit; i++)
            {
                if (content[i] == (byte)'\n') return content[i - 1] == (byte)'\r';
            }
            return false;
        }

        private static IEnumerable<string> EnvironmentLines(string ext, IDictionary<string, string> environment, ISet<string> secrets)
        {
            foreach (var pair in environment.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!EnvironmentName.IsMatch(pair.Key))
                    throw new ArgumentException($"environment variable name \"{pair.Key}\" is not valid: use letters, digits and '_', not starting with a digit");
                string value = pair.Value ?? "";
                string line = Family(ext) switch
                {
                    ScriptFamily.Posix => $"export {pair.Key}={PosixQuote(value)}",
                    ScriptFamily.PowerShell => $"$env:{pair.Key} = {PowerShellQuote(value)}",
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
            ScriptFamily.Cmd => $"@cd /d \"{CmdEscape(dir)}\" || exit /b {Wire.ExitDispatchError}",
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

        private static string PosixQuote(string value) => "'" + value.Replace("'", "'\\''") + "'";

        private static string PowerShellQuote(string value) =>
            "'" + value.Replace("'", "''").Replace("\u2018", "\u2018\u2018").Replace("\u2019", "\u2019\u2019") + "'";

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
