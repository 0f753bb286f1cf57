namespace Outpost.Core.Client
{
    /// <summary>An item a copy wrote on a target.</summary>
    public sealed class RemoteItem
    {
        public RemoteItem(string target, string fullName, bool isFolder)
        {
            Target = target;
            FullName = fullName;
            IsFolder = isFolder;
        }

        /// <summary>The target's name.</summary>
        public string Target { get; }
        /// <summary>The item's absolute path on the target.</summary>
        public string FullName { get; }
        public bool IsFolder { get; }

        public override string ToString() => FullName;
    }
}
