namespace Outpost.Core.Transport
{
    /// <summary>What is at a path, looked at without following a link (lstat).</summary>
    public enum EntryKind
    {
        Missing,
        Directory,
        /// <summary>A regular file (a cloud placeholder from OneDrive or Dropbox counts as one).</summary>
        File,
        /// <summary>A symbolic link, or on Windows a symlink or mount-point (junction) reparse point.</summary>
        Link,
        /// <summary>A FIFO, socket or device: never opened, since opening one can block forever.</summary>
        Special,
    }
}
