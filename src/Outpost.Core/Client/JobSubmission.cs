using System;
using System.Collections.Generic;
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

        public static JobSubmission FromText(string script, string extension) =>
            new JobSubmission(new UTF8Encoding(false).GetBytes(script), extension);

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
    }
}
