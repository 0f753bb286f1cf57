using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Outpost.Core.Client
{
    /// <summary>What a submitter asks for. Only the script travels in v1; the rest is folded into it.</summary>
    public sealed class JobSubmission
    {
        public JobSubmission(byte[] content, string extension)
        {
            Content = content ?? throw new ArgumentNullException(nameof(content));
            Extension = (extension ?? "").TrimStart('.').ToLowerInvariant();
        }

        /// <summary>
        /// A script from text, in UTF-8; a .ps1 gets a byte order mark, without which Windows PowerShell 5.1
        /// reads the file as ANSI ("é" becomes "Ã©", and an en dash can end a string).
        /// </summary>
        // 5.1 "assumes ... the ANSI code page" without a BOM: https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_character_encoding
        public static JobSubmission FromText(string script, string extension)
        {
            var job = new JobSubmission(new UTF8Encoding(false).GetBytes(script), extension);
            if (job.Extension != "ps1") return job;
            return new JobSubmission(ScriptText.Utf8Bom.Concat(job.Content).ToArray(), job.Extension);
        }

        public byte[] Content { get; }
        public string Extension { get; }
        public int Lane { get; set; } = 1;
        /// <summary>Seconds; travels as the v1 header line, rounded and clamped to 1..86400.</summary>
        public double? TimeoutSeconds { get; set; }
        /// <summary>The stem's label; defaults to the extension, as the Go client does.</summary>
        public string? Label { get; set; }
        public IDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();
        public string? WorkingDirectory { get; set; }
        /// <summary>Environment names whose values are secret: marked so the responder redacts them from its archive.</summary>
        public ISet<string> SecretNames { get; set; } = new HashSet<string>(StringComparer.Ordinal);
        /// <summary>Signs the job (a .sig sidecar written before the job); null sends it unsigned.</summary>
        public Trust.OutpostKey? SigningKey { get; set; }
        /// <summary>Local files and folders sent with the job, staged on the target in the job's folder ($env:OUTPOST_ATTACHMENTS).</summary>
        public IList<string> Attachments { get; set; } = new List<string>();
        /// <summary>Glob patterns of files the job makes, brought back beside its result (Receive-OutpostJob -Artifact).</summary>
        public IList<string> Collect { get; set; } = new List<string>();
        /// <summary>The folder on the target that <see cref="Collect"/> is relative to; null: the job's own folder.</summary>
        public string? CollectFrom { get; set; }
        /// <summary>Gzip the files on their way (helps text over a slow share; costs CPU on both sides).</summary>
        public bool CompressFiles { get; set; }
        /// <summary>Called as attachments are written into the share.</summary>
        public Action<Files.TransferProgress>? Progress { get; set; }
        /// <summary>Stops writing the attachments (Ctrl+C): what was written is removed and nothing is queued.</summary>
        public System.Threading.CancellationToken Cancel { get; set; }

        public bool HasFiles => Attachments.Count > 0 || Collect.Count > 0;
    }
}
