using System;
using System.Threading;
using Outpost.Core.Files;

namespace Outpost.Core.Client
{
    /// <summary>How a copy to or from a target behaves.</summary>
    public sealed class RemoteCopyOptions
    {
        /// <summary>Folders are copied with everything in them; without it a folder is refused, as a mistake.</summary>
        public bool Recurse { get; set; }
        /// <summary>Replace files that are already at the destination; without it an existing file refuses the whole copy.</summary>
        public bool Force { get; set; }
        /// <summary>How long to wait for the target (and how long its job may run); null waits as long as it takes.</summary>
        public TimeSpan? Timeout { get; set; }
        /// <summary>Bytes sent and received, for progress bars.</summary>
        public Action<TransferProgress>? Progress { get; set; }
        /// <summary>The copy's job while the target has not finished it (queue position, lane state).</summary>
        public Action<WaitProgress>? Waiting { get; set; }
        public CancellationToken Cancel { get; set; }
        /// <summary>Signs the copy's jobs, so a responder that requires signatures runs them; null sends them unsigned.</summary>
        public Trust.OutpostKey? SigningKey { get; set; }
    }
}
