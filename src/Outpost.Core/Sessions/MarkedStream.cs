using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Outpost.Core.Sessions
{
    /// <summary>
    /// One output pipe of a session worker, shared by all its commands. The worker ends each command's
    /// output with a line <c>\n&lt;marker&gt; &lt;trailer&gt;</c>; everything before it is that command's, copied to
    /// the command's file as it arrives (a tail that could be the start of the marker is held back).
    /// </summary>
    internal sealed class MarkedStream
    {
        private readonly Stream _source;
        private byte[] _carry = Array.Empty<byte>();

        public MarkedStream(Stream source) => _source = source;

        public long BytesWritten { get; private set; }
        public bool Truncated { get; private set; }

        /// <summary>Copies up to the marker; returns the text after it on its line, or null when the pipe ended first.</summary>
        public async Task<string?> CopyUntilAsync(string marker, string path, long cap, CancellationToken cancel)
        {
            BytesWritten = 0;
            Truncated = false;
            byte[] terminator = Encoding.ASCII.GetBytes("\n" + marker);
            var buffer = new byte[64 * 1024];
            byte[] data = _carry;
            _carry = Array.Empty<byte>();
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, useAsync: false);
            try
            {
                int markerAt = -1;
                while (true)
                {
                    markerAt = IndexOf(data, terminator);
                    if (markerAt >= 0)
                    {
                        int lineEnd = Array.IndexOf(data, (byte)'\n', markerAt + terminator.Length);
                        if (lineEnd >= 0)
                        {
                            Keep(file, data, 0, markerAt, cap);
                            _carry = Slice(data, lineEnd + 1, data.Length - lineEnd - 1);
                            return Encoding.ASCII.GetString(data, markerAt + terminator.Length, lineEnd - markerAt - terminator.Length).Trim();
                        }
                    }
                    else
                    {
                        // Everything but a tail that might be the marker's beginning is the command's.
                        int safe = Math.Max(0, data.Length - (terminator.Length - 1));
                        Keep(file, data, 0, safe, cap);
                        data = Slice(data, safe, data.Length - safe);
                    }
                    int read = await _source.ReadAsync(buffer, 0, buffer.Length, cancel).ConfigureAwait(false);
                    if (read == 0) break;
                    data = Concat(data, buffer, read);
                }
                Keep(file, data, 0, data.Length, cap); // the worker is gone: what arrived is still the command's
                return null;
            }
            catch (Exception e) when (e is OperationCanceledException || e is IOException || e is ObjectDisposedException)
            {
                return null;
            }
            finally
            {
                if (BytesWritten > 0) file.Flush(flushToDisk: true);
            }
        }

        private void Keep(FileStream file, byte[] data, int offset, int count, long cap)
        {
            int keep = (int)Math.Min(count, Math.Max(0, cap - BytesWritten));
            if (keep > 0)
            {
                file.Write(data, offset, keep);
                BytesWritten += keep;
            }
            if (keep < count) Truncated = true;
        }

        private static int IndexOf(byte[] data, byte[] pattern)
        {
            for (int i = 0; i + pattern.Length <= data.Length; i++)
            {
                int j = 0;
                while (j < pattern.Length && data[i + j] == pattern[j]) j++;
                if (j == pattern.Length) return i;
            }
            return -1;
        }

        private static byte[] Slice(byte[] data, int offset, int count)
        {
            var slice = new byte[count];
            Buffer.BlockCopy(data, offset, slice, 0, count);
            return slice;
        }

        private static byte[] Concat(byte[] head, byte[] tail, int tailCount)
        {
            var joined = new byte[head.Length + tailCount];
            Buffer.BlockCopy(head, 0, joined, 0, head.Length);
            Buffer.BlockCopy(tail, 0, joined, head.Length, tailCount);
            return joined;
        }
    }
}
