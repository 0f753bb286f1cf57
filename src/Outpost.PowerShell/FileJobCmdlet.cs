using System;
using System.Collections.Generic;
using System.Management.Automation;
using Outpost.Core;

namespace Outpost.PowerShell
{
    /// <summary>
    /// The cmdlets that send a job with files (Submit-OutpostJob, Invoke-OutpostCommand): -Attachment and
    /// -Collect, declared and checked here once.
    /// </summary>
    public abstract class FileJobCmdlet : OutpostCmdlet
    {
        /// <summary>Local files and folders sent with the job (wildcards allowed), staged in its own folder on the target.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[]? Attachment { get; set; }

        /// <summary>Glob patterns of files the job makes, relative to the folder it starts in, brought back when it ends.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Collect { get; set; }

        /// <summary>
        /// The attachments as file-system paths, with -Collect checked: the same for every target and every
        /// piped input, so a problem stops the cmdlet (terminating error) before anything is sent.
        /// </summary>
        protected IReadOnlyList<string> ResolveFiles()
        {
            try
            {
                Core.Files.JobFiles.CheckCollect(Collect);
                return Attachment == null ? Array.Empty<string>() : FilePaths.ResolveAttachments(this, Attachment);
            }
            catch (OutpostException e)
            {
                ThrowFailure(e);
                throw; // not reached: ThrowFailure throws
            }
        }
    }
}
