using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Remoting
{
    /// <summary>
    /// Reads a job's stdout while it runs. An Outpost responder streams stdout into
    /// <c>outbox/&lt;N&gt;/&lt;stem&gt;.stdout.&lt;random&gt;.tmp</c> and renames it when the job ends; reading that file
    /// as it grows gives output before the job finishes (a v1 responder writes stdout only at the end,
    /// and then everything arrives at once). The handle stays valid across the rename. Every look at the
    /// share goes through the target's transport, so a link or FIFO planted as that file is never read.
    /// </summary>
    public static class LiveOutput
    {
        /// <param name="timeout">Give up (WaitTimeout) after this long; null waits as long as <paramref name="liveness"/> allows.</param>
        /// <param name="progress">Called about twice a second until the job ends: where it stands, for a progress bar.</param>
        /// <param name="liveness">Ends the wait (NoLiveResponder) when nobody serves the target; null waits regardless.</param>
        public static async Task<OutpostJob> FollowAsync(OutpostTarget target, OutpostJob job, Action<byte[], int, int> onBytes,
            TimeSpan? timeout, CancellationToken cancel, Action<WaitProgress>? progress = null, ResponderLiveness? liveness = null)
        {
            DateTime lastCheck = DateTime.MinValue;
            var buffer = new byte[64 * 1024];
            var share = target.Share;
            var finalStdout = ResultReader.StdoutAddress(job.Lane, job.Stem);
            var result = ResultReader.ResultAddress(job.Lane, job.Stem);
            DateTime started = DateTime.UtcNow;
            Stream? stream = null;
            try
            {
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    bool finished = share.KindOf(result) != EntryKind.Missing;
                    if (stream == null)
                    {
                        var address = finished ? finalStdout : FindTemp(share, job);
                        if (address != null) stream = TryOpen(share, address.Value);
                    }
                    if (stream != null)
                    {
                        int read;
                        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) onBytes(buffer, 0, read);
                    }
                    if (finished && (stream != null || share.KindOf(finalStdout) == EntryKind.Missing))
                    {
                        if (stream != null) { int read; while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) onBytes(buffer, 0, read); }
                        return target.GetJob(job.Lane, job.Stem);
                    }
                    if (!share.IsAvailable())
                        throw new OutpostException("ShareUnavailable", OutpostErrorKind.ConnectionError,
                            $"the shared folder {target.Path} went away while waiting for {job.Stem}", job);
                    if (timeout.HasValue && DateTime.UtcNow - started > timeout.Value)
                        throw new OutpostException("WaitTimeout", OutpostErrorKind.Timeout,
                            $"job {job.Stem} on {target.Name} did not finish within {timeout.Value.TotalSeconds:0.###} s (-WaitTimeoutSec)", job);
                    if ((progress != null || liveness != null) && DateTime.UtcNow - lastCheck > TimeSpan.FromMilliseconds(500))
                    {
                        lastCheck = DateTime.UtcNow;
                        var snapshot = target.GetProgress(job, lastCheck - started);
                        progress?.Invoke(snapshot);
                        liveness?.Check(target, snapshot, lastCheck);
                    }
                    await Task.Delay(25, cancel).ConfigureAwait(false);
                }
            }
            finally
            {
                stream?.Dispose();
            }
        }

        /// <summary>The responder's growing stdout file (<c>&lt;stem&gt;.stdout.&lt;random&gt;.tmp</c>), a regular file only.</summary>
        private static ShareAddress? FindTemp(ISubmitterTransport share, OutpostJob job)
        {
            string prefix = job.Stem + Wire.StdoutExtension + ".";
            try
            {
                foreach (var entry in share.List(ShareArea.Outbox, job.Lane))
                    if (entry.Kind == EntryKind.File && entry.Name.StartsWith(prefix, StringComparison.Ordinal) && entry.Name.EndsWith(Wire.TempSuffix, StringComparison.Ordinal))
                        return ShareAddress.In(ShareArea.Outbox, job.Lane, entry.Name);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            return null;
        }

        private static Stream? TryOpen(ISubmitterTransport share, ShareAddress address)
        {
            try { return share.OpenRead(address); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }
    }
}
