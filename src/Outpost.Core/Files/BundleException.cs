using System.IO;

namespace Outpost.Core.Files
{
    public enum BundleFailure
    {
        /// <summary>A part or the manifest is not (yet) in the share: a sync may still be bringing it.</summary>
        Incomplete,
        /// <summary>A file does not match its SHA-256 or size, or a part holds more or less than it says.</summary>
        Damaged,
        /// <summary>A path that would leave the destination, pass through a link, or is not valid here.</summary>
        Unsafe,
        /// <summary>More bytes or files than the limits allow.</summary>
        OverLimit,
        /// <summary>A local file could not be read or written.</summary>
        Local,
        /// <summary>A file is already where an unpack without overwrite would put one.</summary>
        Exists,
    }

    /// <summary>A bundle that cannot be used; nothing it would have written is left as if complete.</summary>
    public sealed class BundleException : IOException
    {
        public BundleException(BundleFailure failure, string message, System.Exception? inner = null) : base(message, inner) => Failure = failure;

        public BundleFailure Failure { get; }
    }

    /// <summary>Progress of a transfer, for progress bars.</summary>
    public sealed class TransferProgress
    {
        public TransferProgress(string activity, string currentPath, long bytesDone, long bytesTotal)
        {
            Activity = activity;
            CurrentPath = currentPath;
            BytesDone = bytesDone;
            BytesTotal = bytesTotal;
        }

        public string Activity { get; }
        public string CurrentPath { get; }
        public long BytesDone { get; }
        public long BytesTotal { get; }
    }

    /// <summary>What a responder accepts in one job's bundle ([policy] max_attachment_bytes, max_attachment_files).</summary>
    public sealed class BundleLimits
    {
        public long? MaxTotalBytes { get; set; }
        public long? MaxFiles { get; set; }

        /// <summary>Null when the manifest is within the limits; otherwise the reason.</summary>
        public string? Refusal(BundleManifest manifest, string what)
        {
            if (MaxTotalBytes.HasValue && manifest.TotalBytes > MaxTotalBytes.Value)
                return $"the {what} are {manifest.TotalBytes} bytes, more than max_attachment_bytes = {MaxTotalBytes.Value}";
            if (MaxFiles.HasValue && manifest.FileCount > MaxFiles.Value)
                return $"the {what} are {manifest.FileCount} files, more than max_attachment_files = {MaxFiles.Value}";
            return null;
        }
    }
}
