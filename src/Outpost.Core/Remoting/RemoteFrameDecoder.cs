using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Outpost.Core.Remoting
{
    public enum RemoteFrameKind { Begin, Output, Error, Warning, Verbose, Debug, Information, Terminating, End, Text }

    /// <summary>One decoded frame: a serialized object or record (CliXml), or a line of stray text.</summary>
    public sealed class RemoteFrame
    {
        public RemoteFrame(RemoteFrameKind kind, string payload)
        {
            Kind = kind;
            Payload = payload;
        }

        public RemoteFrameKind Kind { get; }
        /// <summary>CliXml for object frames; the line itself for <see cref="RemoteFrameKind.Text"/>.</summary>
        public string Payload { get; }
    }

    /// <summary>
    /// Turns the wrapper's stdout, fed in chunks as it arrives, into frames. Only whole lines are decoded,
    /// so a frame split across reads waits for its end; memory holds one line at a time.
    /// </summary>
    public sealed class RemoteFrameDecoder
    {
        private readonly string _prefix;
        private readonly MemoryStream _line = new MemoryStream();
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        public RemoteFrameDecoder(string token) => _prefix = token + " ";

        public IEnumerable<RemoteFrame> Push(byte[] buffer, int offset, int count)
        {
            var frames = new List<RemoteFrame>();
            int start = offset, end = offset + count;
            for (int i = offset; i < end; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                _line.Write(buffer, start, i - start);
                frames.Add(Decode(TakeLine()));
                start = i + 1;
            }
            _line.Write(buffer, start, end - start);
            return frames;
        }

        /// <summary>The last line when the stream ended without a newline.</summary>
        public IEnumerable<RemoteFrame> Finish()
        {
            if (_line.Length == 0) yield break;
            yield return Decode(TakeLine());
        }

        private string TakeLine()
        {
            string text = Utf8.GetString(_line.GetBuffer(), 0, (int)_line.Length).TrimEnd('\r');
            _line.SetLength(0);
            return text;
        }

        private RemoteFrame Decode(string line)
        {
            if (!line.StartsWith(_prefix, StringComparison.Ordinal)) return new RemoteFrame(RemoteFrameKind.Text, line);
            int space = line.IndexOf(' ', _prefix.Length);
            if (space < 0) return new RemoteFrame(RemoteFrameKind.Text, line);
            string kind = line.Substring(_prefix.Length, space - _prefix.Length);
            RemoteFrameKind parsed;
            switch (kind)
            {
                case "begin": parsed = RemoteFrameKind.Begin; break;
                case "output": parsed = RemoteFrameKind.Output; break;
                case "error": parsed = RemoteFrameKind.Error; break;
                case "warning": parsed = RemoteFrameKind.Warning; break;
                case "verbose": parsed = RemoteFrameKind.Verbose; break;
                case "debug": parsed = RemoteFrameKind.Debug; break;
                case "information": parsed = RemoteFrameKind.Information; break;
                case "terminating": parsed = RemoteFrameKind.Terminating; break;
                case "end": parsed = RemoteFrameKind.End; break;
                default: return new RemoteFrame(RemoteFrameKind.Text, line);
            }
            try
            {
                return new RemoteFrame(parsed, Utf8.GetString(Convert.FromBase64String(line.Substring(space + 1))));
            }
            catch (FormatException)
            {
                return new RemoteFrame(RemoteFrameKind.Text, line); // damaged: still show it, as text
            }
        }
    }
}
