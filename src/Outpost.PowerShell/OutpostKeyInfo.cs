using Outpost.Core.Trust;

namespace Outpost.PowerShell
{
    /// <summary>What New-OutpostKey made: the key id, the files, and the public line to trust.</summary>
    public sealed class OutpostKeyInfo
    {
        public OutpostKeyInfo(OutpostKey key, string privatePath, string publicPath)
        {
            KeyId = key.KeyId;
            Path = privatePath;
            PublicKeyPath = publicPath;
            PublicKey = key.PublicKeyLine;
        }

        public string KeyId { get; }
        /// <summary>The private key file (what -SigningKey takes).</summary>
        public string Path { get; }
        public string PublicKeyPath { get; }
        /// <summary>The line to add to a responder's [trust] trusted_keys.</summary>
        public string PublicKey { get; }
    }
}
