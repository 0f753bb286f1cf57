using System;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Files
{
    /// <summary>
    /// Where a job's files live in the share, and how the job names them. A job with files carries the
    /// directive <c># outpost-files=&lt;SHA-256 of its manifest&gt;</c> among its header lines, so the job
    /// itself says it needs them (a responder never runs it without them, even when a sync delivers the job
    /// first) and a signature over the job covers every file's name and hash. The files sit in sidecars
    /// with two dots in their names, which a v1 responder never takes for a job:
    /// <c>inbox/N/&lt;stem&gt;.&lt;ext&gt;.files</c> (+ <c>.1</c>, <c>.2</c>, … parts) going out and
    /// <c>outbox/N/&lt;stem&gt;.artifacts</c> (+ parts) coming back, written before the .result.
    /// </summary>
    public static class JobFiles
    {
        public const string DirectiveName = "outpost-files";
        /// <summary>The outpost_features word a responder advertises when it serves attachments and artifacts.</summary>
        public const string Feature = "files";
        public const string ManifestSuffix = ".files";
        public const string ArtifactsSuffix = ".artifacts";
        /// <summary>The environment variable that holds the folder where a job's attachments were staged.</summary>
        public const string AttachmentsVariable = "OUTPOST_ATTACHMENTS";

        /// <summary>Checks the patterns of files to bring back before anything is sent.</summary>
        /// <exception cref="OutpostException">InvalidCollectPattern: a pattern that names nothing, or leaves the job's folder.</exception>
        public static void CheckCollect(System.Collections.Generic.IEnumerable<string>? patterns)
        {
            if (patterns == null) return;
            foreach (string pattern in patterns)
                if (Glob.Check(pattern) is string bad)
                    throw new OutpostException("InvalidCollectPattern", OutpostErrorKind.InvalidArgument,
                        $"-Collect: {bad}; give patterns relative to the job's folder, such as 'out/*.log' or '**/*.trx'", pattern);
        }

        public static ShareAddress ManifestAddress(int lane, string jobFileName) =>
            ShareAddress.In(ShareArea.Inbox, lane, jobFileName + ManifestSuffix);

        public static ShareAddress ArtifactsAddress(int lane, string stem) =>
            ShareAddress.In(ShareArea.Outbox, lane, stem + ArtifactsSuffix);

        /// <summary>The header line naming the manifest; refused for extensions without a comment syntax v1 knows.</summary>
        public static string DirectiveLine(string extension, string manifestSha256)
        {
            string marker = TimeoutHeader.MarkerFor(extension) ?? throw new ArgumentException(
                $"a .{extension} job cannot carry files: they are named in a header comment, which Outpost writes only for sh, zsh, py, ps1, cmd, bat and btm");
            return marker + " " + DirectiveName + "=" + manifestSha256;
        }

        /// <summary>The manifest SHA-256 a job names, or null when it has no files; a malformed value reads as "" (refused).</summary>
        public static string? Named(string extension, byte[] content)
        {
            string? rest = TimeoutHeader.FindDirective(extension, content, DirectiveName);
            if (rest is null) return null;
            string value = rest.Substring(DirectiveName.Length + 1).Trim().ToLowerInvariant();
            return value.Length == 64 ? value : "";
        }

        /// <summary>True for the sidecars of a job's files (manifest and parts) of <paramref name="jobFileName"/>.</summary>
        public static bool IsSidecarOf(string name, string jobFileName) =>
            name.StartsWith(jobFileName + ManifestSuffix, StringComparison.Ordinal);
    }
}
