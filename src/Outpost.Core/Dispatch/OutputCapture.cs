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
        /// <summary>Why the file stopped taking output before the job ended (the share is full, say); null when it did not.</summary>
        public string? WriteFailure { get; private set; }

        public async Task CopyAsync(Stream source, string path, CancellationToken cancel)
        {
            var buffer = new byte[BufferSize];
            // Unbuffered: each chunk reaches the file as it arrives, so a reader can follow a running job.
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, useAsync: false);
            try
            {
                while (true)
                {
                    int read = await ReadOrAbandon(source, buffer, cancel).ConfigureAwait(false);
                    if (read == 0) break;
                    long room = Cap - BytesWritten;
                    int keep = (int)Math.Min(room, read);
                    if (keep > 0 && WriteFailure is null) Keep(file, buffer, keep);
                    if (keep < read || WriteFailure != null) Truncated = true;
                }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { } // the pipe broke because the tree was killed: keep what arrived
            catch (ObjectDisposedException) { }
            try
            {
                if (BytesWritten > 0) file.Flush(flushToDisk: true); // an empty file has nothing to lose
            }
            catch (IOException e) { WriteFailure ??= Transport.ShareErrors.Describe(e); }
        }

        /// <summary>
        /// Writes one chunk. When the file system refuses (full, quota), the capture stops writing and
        /// keeps reading: the job never blocks on a full pipe, and what reached the file is kept.
        /// </summary>
        private void Keep(FileStream file, byte[] buffer, int count)
        {
            try
            {
                file.Write(buffer, 0, count);
                BytesWritten += count;
            }
            catch (IOException e)
            {
                WriteFailure = Transport.ShareErrors.Describe(e);
                try { BytesWritten = file.Length; } // a partial write may have landed
                catch (IOException) { }
            }
        }

        /// <summary>
        /// One read that gives up when <paramref name="cancel"/> fires, even where the stream ignores the
        /// token: on .NET Framework a pipe opened for synchronous I/O reads on a pool thread that nothing
        /// can cancel, so a grandchild that escaped the kill and keeps the pipe open would hold the lane
        /// forever. The abandoned read ends when that process does; its bytes are dropped.
        /// </summary>
        internal static async Task<int> ReadOrAbandon(Stream source, byte[] buffer, CancellationToken cancel)
        {
            cancel.ThrowIfCancellationRequested();
            Task<int> read = source.ReadAsync(buffer, 0, buffer.Length, cancel);
            if (read.IsCompleted) return await read.ConfigureAwait(false);
            var abandoned = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancel.Register(() => abandoned.TrySetCanceled()))
            {
                Task<int> first = await Task.WhenAny(read, abandoned.Task).ConfigureAwait(false);
                if (first != read) _ = read.ContinueWith(t => t.Exception, TaskScheduler.Default); // observe a late fault
                return await first.ConfigureAwait(false);
            }
        }

        /// <summary>Appends a line the dispatcher itself writes (a reason for 125, say), counted like job output.</summary>
        public static void AppendNote(string path, string text, OutputCapture capture)
        {
            byte[] bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            try
            {
                using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
                file.Write(bytes, 0, bytes.Length);
                file.Flush(flushToDisk: true);
                capture.BytesWritten += bytes.Length;
            }
            catch (IOException e)
            {
                // A full share: the note is lost, the result still says why the output stopped.
                capture.WriteFailure ??= Transport.ShareErrors.Describe(e);
                capture.Truncated = true;
            }
        }
    }
}
