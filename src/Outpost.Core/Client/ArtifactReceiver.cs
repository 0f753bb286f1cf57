using System;
using System.Collections.Generic;
using System.IO;
using Outpost.Core.Files;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Brings a finished job's artifacts home: the bundle its responder wrote beside the result, named by the
    /// result's <c>artifacts_sha256</c> (which a pinned responder key signs with the result), unpacked under a
    /// local folder with every file checked against its SHA-256 before it takes its name.
    /// </summary>
    public static class ArtifactReceiver
    {
        /// <returns>The local paths of the files written; empty when the job sent none back.</returns>
        public static IReadOnlyList<string> Receive(OutpostTarget target, OutpostJob job, string destination, bool overwrite,
            Action<TransferProgress>? progress = null)
        {
            var current = target.GetJob(job.Lane, job.Stem); // the result as the share holds it now, checked as every result is
            if (current.Result is null)
                throw new OutpostException("JobNotFinished", OutpostErrorKind.InvalidOperation,
                    $"job {job.Stem} on {target.Name} has not finished; wait for it (Wait-OutpostJob) before taking its artifacts", job);
            if (current.Result.ArtifactsSha256.Length == 0) return Array.Empty<string>();
            var reader = new BundleReader(target.Share, JobFiles.ArtifactsAddress(job.Lane, job.Stem), progress);
            try
            {
                var manifest = reader.ReadManifest(current.Result.ArtifactsSha256);
                return reader.Unpack(manifest, Path.GetFullPath(destination), overwrite);
            }
            catch (BundleException e)
            {
                throw Failure(e, job, target);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new OutpostException("ArtifactWriteFailed", OutpostErrorKind.PermissionDenied, $"cannot write to {destination}: {e.Message}", destination, e);
            }
            catch (IOException e) // the destination is a file, or its drive is gone: not a BundleException (caught above)
            {
                throw new OutpostException("ArtifactWriteFailed", OutpostErrorKind.InvalidOperation, $"cannot write to {destination}: {e.Message}", destination, e);
            }
        }

        internal static OutpostException Failure(BundleException e, OutpostJob job, OutpostTarget target) => e.Failure switch
        {
            BundleFailure.Incomplete => new OutpostException("ArtifactsNotFound", OutpostErrorKind.NotFound,
                $"job {job.Stem}'s artifacts are not (all) in {target.Name}'s share: {e.Message}; were they removed or swept?", job, e),
            BundleFailure.Damaged => new OutpostException("ArtifactDamaged", OutpostErrorKind.InvalidData,
                $"job {job.Stem}'s artifacts were not accepted: {e.Message}", job, e),
            BundleFailure.Unsafe => new OutpostException("ArtifactUnsafe", OutpostErrorKind.InvalidData,
                $"job {job.Stem}'s artifacts were not accepted: {e.Message}", job, e),
            BundleFailure.Exists => new OutpostException("ArtifactExists", OutpostErrorKind.AlreadyExists, e.Message, job, e),
            _ => new OutpostException("ArtifactWriteFailed", OutpostErrorKind.InvalidOperation, e.Message, job, e),
        };
    }
}
