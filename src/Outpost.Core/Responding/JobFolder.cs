using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Outpost.Core.Files;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// The private folder a job with files runs in: its attachments staged there (checked against their
    /// SHA-256 on the way out of the share) before it starts, its artifacts collected from there (or from
    /// the folder the submitter named) after it ends, the folder deleted when its result is published.
    /// </summary>
    internal sealed class JobFolder : IDisposable
    {
        private JobFolder(string path, BundleManifest manifest)
        {
            Path = path;
            Manifest = manifest;
        }

        public string Path { get; }
        public BundleManifest Manifest { get; }

        /// <summary>
        /// What the job's files allow now: null when the job has none, <see cref="FilesCheck.Waiting"/> while its
        /// manifest or parts are still on their way (a sync-based share may deliver the job first), else ready
        /// or refused with the reason.
        /// </summary>
        public static FilesCheck? Check(IShareTransport share, int lane, JobFileName job, byte[] content)
        {
            string? named = JobFiles.Named(job.Extension, content);
            if (named is null) return null;
            if (named.Length == 0) return FilesCheck.Refuse($"refused: the {JobFiles.DirectiveName} header is not a SHA-256");
            if (Sessions.SessionDirective.Read(job.Extension, content) != null)
                return FilesCheck.Refuse("refused: a job in a session cannot carry files (send them with a job of their own)");
            var reader = new BundleReader(share, JobFiles.ManifestAddress(lane, job.Name));
            try
            {
                var manifest = reader.ReadManifest(named);
                return reader.PartsArePresent(manifest)
                    ? FilesCheck.Ready(reader, manifest)
                    : FilesCheck.Wait("its files are still arriving");
            }
            catch (BundleException e) when (e.Failure == BundleFailure.Incomplete)
            {
                return FilesCheck.Wait(e.Message);
            }
            catch (BundleException e)
            {
                return FilesCheck.Refuse("refused: " + e.Message);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return FilesCheck.Wait(e.Message);
            }
        }

        /// <summary>Stages the attachments into a new private folder; throws a <see cref="BundleException"/> saying why it could not.</summary>
        public static JobFolder Stage(FilesCheck ready, string privateRoot)
        {
            string path = Dispatch.PrivateScriptFolder.Create(privateRoot);
            try
            {
                ready.Reader!.Unpack(ready.Manifest!, path, overwrite: false);
                return new JobFolder(path, ready.Manifest!);
            }
            catch
            {
                TryDeleteFolder(path);
                throw;
            }
        }

        /// <summary>
        /// Sends back the files the job asked for, as a bundle in the outbox written before the result. Stops
        /// at the policy's limits; what could not be sent is said in <paramref name="notes"/> (for the job's stderr).
        /// </summary>
        /// <returns>How many files were sent and the SHA-256 of their manifest, or null when none were asked for.</returns>
        public (int Files, string Sha256)? CollectArtifacts(IShareTransport share, int lane, string stem, BundleLimits limits, List<string> notes)
        {
            if (Manifest.Collect.Count == 0) return null;
            // The folder the submitter named is taken through links (macOS's /tmp is one), the same folder a script
            // there would cd into; below it the walk follows none, so a job still cannot send back what a link points at.
            string root = Manifest.CollectFrom.Length == 0 ? Path : NativeFiles.ResolvePath(System.IO.Path.Combine(Path, Manifest.CollectFrom));
            var matched = BundleItem.Matching(root, Manifest.Collect);
            var items = WithinLimits(matched, limits, notes);
            if (matched.All(i => i.IsFolder))
                notes.Add($"outpost: no file matched {string.Join(", ", Manifest.Collect)} in {root}");
            var writer = new BundleWriter(share, JobFiles.ArtifactsAddress(lane, stem), Manifest.Compressed);
            try
            {
                byte[] manifest = writer.Write(items, new BundleManifest());
                return (items.Count(i => !i.IsFolder), Trust.JobSignature.Sha256Hex(manifest));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                notes.Add("outpost: the artifacts could not be sent back: " + e.Message);
                return null;
            }
        }

        private static List<BundleItem> WithinLimits(IReadOnlyList<BundleItem> matched, BundleLimits limits, List<string> notes)
        {
            var kept = new List<BundleItem>();
            long bytes = 0, files = 0;
            int skipped = 0;
            foreach (var item in matched)
            {
                if (!item.IsFolder && (bytes + item.Bytes > (limits.MaxTotalBytes ?? long.MaxValue) || files + 1 > (limits.MaxFiles ?? long.MaxValue)))
                {
                    skipped++;
                    continue;
                }
                kept.Add(item);
                if (item.IsFolder) continue;
                bytes += item.Bytes;
                files++;
            }
            if (skipped > 0)
                notes.Add($"outpost: {skipped} artifact(s) were not sent back: over the responder's max_attachment_bytes / max_attachment_files");
            return kept;
        }

        /// <summary>When a job is archived: its manifest goes to log/ beside it, its parts are deleted (they were staged or never will be).</summary>
        /// <remarks>
        /// Every archive passes here, and most jobs have no files: one look at the manifest decides, so a plain job
        /// pays one metadata request (a round trip on a network share), not three. Parts left without a manifest
        /// are the retention sweep's, as any bundle whose job is gone.
        /// </remarks>
        public static void Archive(IResponderTransport share, int lane, JobFileName job)
        {
            var manifest = JobFiles.ManifestAddress(lane, job.Name);
            var kind = share.KindOf(manifest);
            if (kind == EntryKind.Missing) return;
            BundleWriter.DeleteParts(share, manifest);
            if (kind == EntryKind.File) share.Move(manifest, ShareAddress.In(ShareArea.Log, lane, manifest.Name));
            else share.TryDelete(manifest); // a link or FIFO planted as a manifest is removed, never moved or opened
        }

        public void Dispose() => TryDeleteFolder(Path);

        private static void TryDeleteFolder(string path)
        {
            // Directory.Delete removes links the job made without following them.
            try { Directory.Delete(path, recursive: true); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
        }
    }

    /// <summary>Whether a job's files are there: ready (with what is needed to stage them), still arriving, or refused.</summary>
    internal sealed class FilesCheck
    {
        private FilesCheck(string? waiting, string? refusal, BundleReader? reader, BundleManifest? manifest)
        {
            Waiting = waiting;
            Refusal = refusal;
            Reader = reader;
            Manifest = manifest;
        }

        public string? Waiting { get; }
        public string? Refusal { get; }
        public BundleReader? Reader { get; }
        public BundleManifest? Manifest { get; }

        public static FilesCheck Ready(BundleReader reader, BundleManifest manifest) => new FilesCheck(null, null, reader, manifest);
        public static FilesCheck Wait(string why) => new FilesCheck(why, null, null, null);
        public static FilesCheck Refuse(string reason) => new FilesCheck(null, reason, null, null);
    }
}
