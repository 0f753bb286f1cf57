using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Outpost.Core.Dispatch
{
    /// <summary>
    /// Copies one output stream of a job to a file as it arrives, keeping at most <see cref="Cap"/>
    /// bytes. Past the cap the job keeps running and its output is read and dropped, so it never blocks
    /// on a full pipe; memory stays at one buffer whatever the job writes.
    /// </summary>
    internal sealed class OutputCapture
    {
        private const int BufferSize = 64 * 1024;

        public OutputCapture(long cap) => Cap = cap;

        public long Cap { get; }
        public long BytesWritten { get; private set; }
        public bool Truncated { get; private set; }

        public async Task CopyAsync(Stream source, string path, CancellationToken cancel)
        {
            var buffer = new byte[BufferSize];
            // Unbuffered: each chunk reaches the file as it arrives, so a reader can follow a running job.
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, useAsync: false);
            try
            {
                while (true)
                {
                    int read = await source.ReadAsync(buffer, 0, buffer.Length, cancel).ConfigureAwait(false);
                    if (read == 0) break;
                    long room = Cap - BytesWritten;
                    int keep = (int)Math.Min(room, read);
                    if (keep > 0)
                    {
                        file.Write(buffer, 0, keep);
                        BytesWritten += keep;
                    }
                    if (keep < read) Truncated = true;
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { } // the pipe broke because the tree was killed: keep what arrived
            catch (ObjectDisposedException) { }
            if (BytesWritten > 0) file.Flush(flushToDisk: true); // an empty file has nothing to lose
        }

        /// <summary>Appends a line the dispatcher itself writes (a reason for 125, say), counted like job output.</summary>
        public static void AppendNote(string path, string text, OutputCapture capture)
        {
            byte[] bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(bytes, 0, bytes.Length);
            file.Flush(flushToDisk: true);
            capture.BytesWritten += bytes.Length;
        }
    }
}
