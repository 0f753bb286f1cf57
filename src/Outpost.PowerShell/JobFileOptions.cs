using System.Collections.Generic;
using Outpost.Core;
using Outpost.Core.Client;

namespace Outpost.PowerShell
{
    /// <summary>-Attachment, -Collect and -CompressFiles as Submit-OutpostJob and Invoke-OutpostCommand put them on a job.</summary>
    internal static class JobFileOptions
    {
        public static void Apply(JobSubmission submission, IEnumerable<string> attachments, IEnumerable<string>? collect, bool compress)
        {
            foreach (string path in attachments) submission.Attachments.Add(path);
            if (collect != null) foreach (string pattern in collect) submission.Collect.Add(pattern);
            submission.CompressFiles = compress;
        }

        /// <summary>For -WhatIf: what files go with the job.</summary>
        public static string Describe(JobSubmission submission)
        {
            if (!submission.HasFiles) return "";
            string text = "";
            if (submission.Attachments.Count > 0) text += $" with {submission.Attachments.Count} attachment(s)";
            if (submission.Collect.Count > 0) text += $", collecting {string.Join(", ", submission.Collect)}";
            return text;
        }
    }
}
