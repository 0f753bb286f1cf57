using System;
using System.Text;

namespace Outpost.Core.Client
{
    /// <summary>
    /// A script's bytes as the composer sees them: the body without any byte order mark, whether it is UTF-8
    /// (ASCII counts), and its line ending. UTF-16 and UTF-32 scripts (Windows PowerShell 5.1 writes UTF-16
    /// with <c>&gt;</c> and Out-File) are converted to UTF-8, so inserted lines and body share one encoding.
    /// </summary>
    public sealed class ScriptText
    {
        public static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };

        private ScriptText(byte[] body, bool isUtf8, string newLine)
        {
            Body = body;
            IsUtf8 = isUtf8;
            NewLine = newLine;
        }

        /// <summary>The script without its byte order mark, in UTF-8 unless <see cref="IsUtf8"/> is false.</summary>
        public byte[] Body { get; }
        /// <summary>False for a script in a legacy code page (bytes that are not valid UTF-8).</summary>
        public bool IsUtf8 { get; }
        public string NewLine { get; }

        public static ScriptText Read(byte[] content)
        {
            Encoding? wide = WideEncoding(content, out int preamble);
            byte[] body;
            if (wide != null)
            {
                string text;
                try { text = wide.GetString(content, preamble, content.Length - preamble); }
                catch (DecoderFallbackException e)
                {
                    throw new ArgumentException($"the script starts with a {wide.WebName} byte order mark but is not valid {wide.WebName}: {e.Message}", e);
                }
                body = new UTF8Encoding(false).GetBytes(text);
            }
            else
            {
                int skip = StartsWith(content, Utf8Bom) ? 3 : 0;
                body = new byte[content.Length - skip];
                Buffer.BlockCopy(content, skip, body, 0, body.Length);
            }
            return new ScriptText(body, IsValidUtf8(body), UsesCrLf(body) ? "\r\n" : "\n");
        }

        /// <summary>UTF-32 or UTF-16 by byte order mark (UTF-32 LE first: its mark begins like UTF-16 LE's).</summary>
        private static Encoding? WideEncoding(byte[] content, out int preamble)
        {
            var candidates = new Encoding[]
            {
                new UTF32Encoding(false, true, true), new UTF32Encoding(true, true, true),
                new UnicodeEncoding(false, true, true), new UnicodeEncoding(true, true, true),
            };
            foreach (var encoding in candidates)
            {
                byte[] mark = encoding.GetPreamble();
                if (StartsWith(content, mark)) { preamble = mark.Length; return encoding; }
            }
            preamble = 0;
            return null;
        }

        private static bool StartsWith(byte[] content, byte[] prefix)
        {
            if (content.Length < prefix.Length) return false;
            for (int i = 0; i < prefix.Length; i++)
            {
                if (content[i] != prefix[i]) return false;
            }
            return true;
        }

        private static bool IsValidUtf8(byte[] bytes)
        {
            try { new UTF8Encoding(false, true).GetCharCount(bytes); return true; }
            catch (DecoderFallbackException) { return false; }
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
    }
}
