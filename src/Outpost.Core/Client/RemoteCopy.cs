using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Outpost.Core.Files;
using Outpost.Core.Protocol;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Copies files and folders to and from a target with Copy-Item's rules, by composing ordinary jobs: the
    /// items travel as a job's attachments and a generated script places them; or a job checks that the remote
    /// item exists and the responder collects it as artifacts, which are placed locally. The script is in
    /// PowerShell when the target runs .ps1 jobs, else in sh. The job and its files are removed from the share
    /// once the copy is done.
    /// </summary>
    public static class RemoteCopy
    {
        /// <summary>Copies local files and folders to <paramref name="destination"/> on the target.</summary>
        /// <returns>The top-level items written on the target.</returns>
        public static IReadOnlyList<RemoteItem> ToTarget(OutpostTarget target, IReadOnlyList<string> localPaths, string destination, RemoteCopyOptions options)
        {
            if (localPaths.Count == 0) throw new ArgumentException("no items to copy", nameof(localPaths));
            var full = localPaths.Select(p => CheckLocalSource(p, options.Recurse)).ToList();
            var (language, windows, cwd) = Inspect(target);
            var remote = RemotePath.Parse(destination, windows, cwd);
            var names = full.Select(BundleItem.NameOf).ToList();
            // Each item lands under its own name, and a Windows target folds case: two of one name would be one file there.
            if (BundleItem.FirstNameClash(full) is { } twice)
                throw new OutpostException("DuplicateItemName", OutpostErrorKind.InvalidArgument,
                    $"two of the items are named '{twice.Key}' and would land on the same path on {target.Name}; copy them one at a time, or copy their folders with -Recurse", twice.Key);
            var submission = JobSubmission.FromText(RemoteCopyScript.ToTarget(language, remote, names, options.Recurse, options.Force), language);
            submission.Label = "copy-to";
            foreach (string path in full) submission.Attachments.Add(path);
            var job = Run(target, submission, options);
            try
            {
                RequireSuccess(target, job);
                return Lines(target, job)
                    .Select(l => l.Split(new[] { ' ' }, 2))
                    .Where(p => p.Length == 2 && (p[0] == "file" || p[0] == "folder"))
                    .Select(p => new RemoteItem(target.Name, p[1], p[0] == "folder"))
                    .ToList();
            }
            finally
            {
                TryRemove(target, job);
            }
        }

        /// <summary>Copies the item at <paramref name="source"/> on the target (wildcards allowed in its last name) to a local destination.</summary>
        /// <returns>The top-level local paths written.</returns>
        public static IReadOnlyList<string> FromTarget(OutpostTarget target, string source, string destination, RemoteCopyOptions options)
        {
            var (language, windows, cwd) = Inspect(target);
            var remote = RemotePath.Parse(source, windows, cwd);
            CheckLeaf(remote);
            var placement = LocalPlacement.Prepare(destination, options.Force);
            var submission = JobSubmission.FromText(RemoteCopyScript.CheckSource(language, remote, options.Recurse), language);
            submission.Label = "copy-from";
            submission.CollectFrom = remote.Parent;
            submission.Collect.Add(remote.Leaf);
            if (options.Recurse) submission.Collect.Add(remote.Leaf + "/**");
            var job = Run(target, submission, options);
            try
            {
                RequireSuccess(target, job);
                var empty = Lines(target, job).Where(l => l.StartsWith("empty ", StringComparison.Ordinal)).Select(l => l.Substring(6)).ToList();
                return Receive(target, job, placement, remote, empty, options);
            }
            finally
            {
                TryRemove(target, job);
            }
        }

        private static IReadOnlyList<string> Receive(OutpostTarget target, OutpostJob job, LocalPlacement placement, RemotePath remote,
            IReadOnlyList<string> emptyFolders, RemoteCopyOptions options)
        {
            string staging = placement.CreateStaging();
            try
            {
                ArtifactReceiver.Receive(target, job, staging, overwrite: false, options.Progress);
                // Only files travel: the empty folders the target listed (an empty folder fetched itself among them)
                // are made here, each path checked as a bundle's are.
                foreach (string empty in emptyFolders.Where(e => BundlePath.Check(e) == null))
                    Directory.CreateDirectory(BundlePath.Under(staging, empty));
                if (!Directory.EnumerateFileSystemEntries(staging).Any())
                    throw new OutpostException("NothingReceived", OutpostErrorKind.InvalidData,
                        $"'{remote.Full}' is on {target.Name}, but nothing came back: it may be reached through a link (which is never followed), " +
                        $"or be over the responder's max_attachment_bytes / max_attachment_files. {Notes(target, job)}".TrimEnd(), remote.Full);
                return placement.Place(staging, options.Force);
            }
            finally
            {
                LocalPlacement.RemoveStaging(staging);
            }
        }

        /// <summary>The script language, and the target's path rules, from what its responder advertises.</summary>
        private static (string Language, bool Windows, string Cwd) Inspect(OutpostTarget target)
        {
            if (!Directory.Exists(target.Path))
                throw new OutpostException("ShareUnavailable", OutpostErrorKind.ConnectionError,
                    $"the shared folder {target.Path} of {target.Name} does not exist or is not reachable; check the path and that the share is mounted", target.Path);
            var advertised = target.CheckProtocolVersion() ?? throw new OutpostException("FilesNotSupported", OutpostErrorKind.InvalidOperation,
                $"cannot copy to or from {target.Name}: no responder has advertised there yet (inbox/dispatch.txt); start the responder first", target.Path);
            var served = ServedExtensions.Of(advertised);
            string language = served.Contains("ps1") ? "ps1" : served.Contains("sh") ? "sh"
                : throw new OutpostException("CopyNotSupported", OutpostErrorKind.InvalidOperation,
                    $"cannot copy to or from {target.Name}: its responder runs neither .ps1 nor .sh jobs (it runs {string.Join(", ", served.Select(e => "." + e))}), " +
                    "and a copy is carried out by a PowerShell or sh script", target.Path);
            return (language, advertised.PlatformOs == "windows", advertised.Cwd);
        }

        private static string CheckLocalSource(string path, bool recurse)
        {
            string full = Path.GetFullPath(path);
            if (BundleItem.NameOf(full).Length == 0)
                throw new OutpostException("InvalidPath", OutpostErrorKind.InvalidArgument, $"cannot copy '{full}': it is a drive or the root; copy the items in it instead", path);
            if (Directory.Exists(full))
            {
                if (!recurse)
                    throw new OutpostException("FolderNeedsRecurse", OutpostErrorKind.InvalidArgument,
                        $"'{full}' is a folder: use -Recurse to copy it with its contents.", path);
                return full;
            }
            if (File.Exists(full)) return full;
            throw new OutpostException("PathNotFound", OutpostErrorKind.NotFound, $"Cannot find path '{full}' because it does not exist.", path);
        }

        /// <summary>The last name becomes a collect pattern: it must name something inside its folder, in a way the pattern can say.</summary>
        private static void CheckLeaf(RemotePath remote)
        {
            string leaf = remote.Leaf;
            string? why = leaf.Length == 0 ? "it is a root: copy the items in it (a wildcard such as /*) instead"
                : leaf == "." || leaf == ".." ? "it ends in '.' or '..': give the folder's own path"
                : !remote.IsWindows && leaf.IndexOf('\\') >= 0 ? "its name holds a '\\', which a collect pattern cannot name"
                : null;
            if (why != null)
                throw new OutpostException("InvalidRemotePath", OutpostErrorKind.InvalidArgument, $"cannot copy '{remote.Full}': {why}", remote.Full);
        }

        /// <summary>Submits and waits; a copy given up on (timeout, Ctrl+C) is cancelled on the target, so it does not land later.</summary>
        private static OutpostJob Run(OutpostTarget target, JobSubmission submission, RemoteCopyOptions options)
        {
            if (options.Timeout.HasValue) submission.TimeoutSeconds = Math.Min(Wire.MaxTimeoutSeconds, Math.Max(1, Math.Ceiling(options.Timeout.Value.TotalSeconds)));
            submission.Progress = options.Progress;
            submission.SigningKey = options.SigningKey;
            submission.Cancel = options.Cancel;
            var job = target.Submit(submission);
            try
            {
                return target.WaitAsync(job, options.Timeout, options.Cancel, options.Waiting).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is OperationCanceledException || e is OutpostException o && o.ErrorId == "WaitTimeout")
            {
                try { target.Cancel(job.Lane, job.Stem); }
                catch (OutpostException) { }
                if (e is OutpostException timeout)
                    throw new OutpostException("CopyTimeout", OutpostErrorKind.Timeout,
                        $"the copy on {target.Name} did not finish within {options.Timeout!.Value.TotalSeconds:0.###} s; it was cancelled there (job {job.Stem})", job, timeout);
                throw;
            }
        }

        /// <summary>Turns the copy job's exit code into the error a user can act on.</summary>
        private static void RequireSuccess(OutpostTarget target, OutpostJob job)
        {
            int exit = job.Result!.ExitCode;
            if (exit == 0) return;
            string stderr = Text(target, job, OutputStreamKind.Stderr);
            string reason = stderr.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("outpost:", StringComparison.Ordinal)) ?? "";
            string full = stderr.Trim();
            if (full.Length > 1000) full = full.Substring(0, 1000) + "…";
            var (id, kind) = exit switch
            {
                RemoteCopyScript.ExitNotFound => ("PathNotFound", OutpostErrorKind.NotFound),
                RemoteCopyScript.ExitNeedsRecurse => ("FolderNeedsRecurse", OutpostErrorKind.InvalidArgument),
                RemoteCopyScript.ExitParentNotFound => ("DestinationNotFound", OutpostErrorKind.NotFound),
                RemoteCopyScript.ExitExists => ("ItemExists", OutpostErrorKind.AlreadyExists),
                RemoteCopyScript.ExitNotAFolder => ("DestinationTypeMismatch", OutpostErrorKind.InvalidOperation),
                RemoteCopyScript.ExitIsLink => ("LinkNotFollowed", OutpostErrorKind.InvalidOperation),
                Wire.ExitTimeout => ("CopyTimeout", OutpostErrorKind.Timeout),
                _ => ("CopyFailed", OutpostErrorKind.InvalidOperation),
            };
            string message = exit >= RemoteCopyScript.ExitNotFound && exit <= RemoteCopyScript.ExitIsLink && reason.Length > 0
                ? $"{target.Name}: {reason}"
                : exit == Wire.ExitTimeout
                    ? $"the copy on {target.Name} ran out of time (exit 124); give it longer with -TimeoutSec / --timeout. {full}".TrimEnd()
                    : $"the copy job {job.Stem} on {target.Name} failed with exit code {exit}: {(full.Length > 0 ? full : "(no message)")}";
            throw new OutpostException(id, kind, message, job);
        }

        private static string Notes(OutpostTarget target, OutpostJob job) =>
            string.Join(" ", Text(target, job, OutputStreamKind.Stderr).Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("outpost:", StringComparison.Ordinal)));

        private static IEnumerable<string> Lines(OutpostTarget target, OutpostJob job) =>
            Text(target, job, OutputStreamKind.Stdout).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0);

        private static string Text(OutpostTarget target, OutpostJob job, OutputStreamKind stream)
        {
            try { return Encoding.UTF8.GetString(target.ReadOutput(job, stream)); }
            catch (OutpostException) { return ""; }
        }

        /// <summary>The copy job is plumbing: its result, output and artifacts leave the share with it.</summary>
        private static void TryRemove(OutpostTarget target, OutpostJob job)
        {
            try { target.Remove(job); }
            catch (OutpostException) { }
        }
    }
}
