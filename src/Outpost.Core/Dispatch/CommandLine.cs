using System.Collections.Generic;
using System.Text;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// Joins arguments into one command line under the MSVC quoting rules. netstandard2.0 has no
    /// ProcessStartInfo.ArgumentList, and .NET splits <c>Arguments</c> with these same rules on every OS.
    /// </summary>
    public static class CommandLine
    {
        public static string Join(IEnumerable<string> arguments)
        {
            var line = new StringBuilder();
            foreach (string argument in arguments)
            {
                if (line.Length > 0) line.Append(' ');
                Append(line, argument);
            }
            return line.ToString();
        }

        private static void Append(StringBuilder line, string argument)
        {
            bool needsQuotes = argument.Length == 0;
            foreach (char c in argument)
            {
                if (c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '"') { needsQuotes = true; break; }
            }
            if (!needsQuotes)
            {
                line.Append(argument);
                return;
            }
            line.Append('"');
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"')
                {
                    line.Append('\\', backslashes * 2 + 1).Append('"');
                }
                else
                {
                    line.Append('\\', backslashes).Append(c);
                }
                backslashes = 0;
            }
            line.Append('\\', backslashes * 2).Append('"');
        }
    }
}
