using System;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace Outpost.Core.Files
{
    /// <summary>
    /// Hashes a block while it is being written: SHA-256 of a 1 GiB file costs about as much as copying it, so on a
    /// machine with a second core a transfer that hashes one block while writing it takes half the time it would.
    /// Both read the same buffer and neither changes it, so the hash is exactly of the bytes written.
    /// </summary>
    internal static class ParallelHash
    {
        /// <summary>Below this a block is hashed then written in turn: handing it to another thread costs more than it saves.</summary>
        private const int ParallelFrom = 256 * 1024;

        public static void AppendWhileWriting(IncrementalHash hash, byte[] buffer, int count, Action<byte[], int> write)
        {
            if (count < ParallelFrom || Environment.ProcessorCount < 2)
            {
                hash.AppendData(buffer, 0, count);
                write(buffer, count);
                return;
            }
            var writing = Task.Run(() => write(buffer, count));
            try { hash.AppendData(buffer, 0, count); }
            finally
            {
                // The write's own exception (an IOException, a BundleException) surfaces as itself, not wrapped.
                writing.GetAwaiter().GetResult();
            }
        }
    }
}
