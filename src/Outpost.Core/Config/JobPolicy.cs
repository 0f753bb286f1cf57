using System;
using System.Collections.Generic;
using System.Linq;
using Outpost.Core.Toml;

namespace Outpost.Core.Config
{
    /// <summary>
    /// What a responder accepts ([policy] in outpost.toml): allowed extensions, the largest job file,
    /// the longest timeout. A refused job gets exit 125 and the reason; it never runs.
    /// </summary>
    public sealed class JobPolicy
    {
        /// <summary>Null: any extension the dispatch table knows.</summary>
        public IList<string>? AllowedExtensions { get; set; }
        /// <summary>Null: no limit beyond the responder's own safety cap.</summary>
        public long? MaxJobBytes { get; set; }
        public int? MaxTimeoutSeconds { get; set; }
        /// <summary>The most bytes of files one job may bring (attachments) or send back (artifacts); null: no limit.</summary>
        public long? MaxAttachmentBytes { get; set; }
        /// <summary>The most files one job may bring or send back; null: no limit.</summary>
        public long? MaxAttachmentFiles { get; set; }

        /// <summary>The bundle limits this policy sets.</summary>
        public Files.BundleLimits FileLimits => new Files.BundleLimits { MaxTotalBytes = MaxAttachmentBytes, MaxFiles = MaxAttachmentFiles };

        public static JobPolicy FromToml(TomlTable table)
        {
            var policy = new JobPolicy
            {
                AllowedExtensions = table.GetStringArray("allowed_extensions"),
                MaxJobBytes = table.GetLong("max_job_bytes"),
                MaxAttachmentBytes = table.GetLong("max_attachment_bytes"),
                MaxAttachmentFiles = table.GetLong("max_attachment_files"),
            };
            foreach (string key in new[] { "max_attachment_bytes", "max_attachment_files" })
                if (table.GetLong(key) is long limit && limit < 0)
                    throw new TomlException(null, table.GetLine(key), 1, $"policy.{key} must be 0 or more");
            long? maxTimeout = table.GetLong("max_timeout_seconds");
            if (maxTimeout.HasValue && (maxTimeout < 1 || maxTimeout > Protocol.Wire.MaxTimeoutSeconds))
                throw new TomlException(null, table.GetLine("max_timeout_seconds"), 1, "policy.max_timeout_seconds must be 1..86400");
            policy.MaxTimeoutSeconds = (int?)maxTimeout;
            if (policy.MaxJobBytes.HasValue && policy.MaxJobBytes < 1)
                throw new TomlException(null, table.GetLine("max_job_bytes"), 1, "policy.max_job_bytes must be positive");
            return policy;
        }

        /// <summary>Null when the job may run; otherwise the reason for its stderr and the log.</summary>
        public string? Refusal(string extension, long size, int? timeoutSeconds)
        {
            if (AllowedExtensions != null && !AllowedExtensions.Contains(extension, StringComparer.Ordinal))
                return $"refused by policy: .{extension} jobs are not allowed here (allowed: {string.Join(", ", AllowedExtensions)})";
            if (MaxJobBytes.HasValue && size > MaxJobBytes.Value)
                return $"refused by policy: the job is {size} bytes, more than max_job_bytes = {MaxJobBytes.Value}";
            if (MaxTimeoutSeconds.HasValue && timeoutSeconds.HasValue && timeoutSeconds.Value > MaxTimeoutSeconds.Value)
                return $"refused by policy: timeout {timeoutSeconds.Value} s is more than max_timeout_seconds = {MaxTimeoutSeconds.Value}";
            return null;
        }
    }
}
