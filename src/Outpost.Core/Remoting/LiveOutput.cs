using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Core.Remoting
{
    /// <summary>
    /// Reads a job's stdout while it runs. An Outpost responder streams stdout into
    /// <c>outbox/&lt;N&gt;/&lt;stem&gt;.stdout.&lt;random&gt;.tmp</c> and renames it when the job ends; reading that file
    /// as it grows gives output before the job finishes (a v1 responder writes stdout only at the end,
    /// and then everything arrives at once). The handle stays valid across the rename.
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
            string outbox = target.Layout.OutboxLane(job.Lane);
            string finalPath = target.Layout.StdoutFile(job.Lane, job.Stem);
            string resultPath = target.Layout.ResultFile(job.Lane, job.Stem);
            DateTime started = DateTime.UtcNow;
            FileStream? stream = null;
            try
            {
                while (true)
                {
                    cancel.ThrowIfCancellationRequested();
                    bool finished = File.Exists(resultPath);
                    if (stream == null)
                    {
                        string? path = finished ? finalPath : FindTemp(outbox, job.Stem);
                        if (path != null) stream = TryOpen(path);
                    }
                    if (stream != null)
                    {
                        int read;
                        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) onBytes(buffer, 0, read);
                    }
                    if (finished && (stream != null || !File.Exists(finalPath)))
                    {
                        if (stream != null) { int read; while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) onBytes(buffer, 0, read); }
                        return target.GetJob(job.Lane, job.Stem);
                    }
                    if (!Directory.Exists(target.Path))
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

        private static string? FindTemp(string outbox, string stem)
        {
            try { return Directory.GetFiles(outbox, stem + Wire.StdoutExtension + ".*" + Wire.TempSuffix).FirstOrDefault(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }

        private static FileStream? TryOpen(string path)
        {
            try { return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }
    }
}
