using System;
using System.Threading;
using System.Threading.Tasks;

namespace Outpost.Core.Transport
{
    /// <summary>
    /// A wake-up that coalesces: any number of Set calls before a wait release it once. Lanes sleep on
    /// it between polls, and a file-system notification cuts the sleep short.
    /// </summary>
    public sealed class WakeSignal : IDisposable
    {
        private readonly SemaphoreSlim _semaphore = new SemaphoreSlim(0, 1);

        public void Set()
        {
            try { _semaphore.Release(); }
            catch (SemaphoreFullException) { } // already set: one pending wake is enough
            catch (ObjectDisposedException) { }
        }

        /// <summary>True when woken, false when the timeout passed.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancel)
        {
            try { return await _semaphore.WaitAsync(timeout, cancel).ConfigureAwait(false); }
            catch (OperationCanceledException) { return true; }
        }

        public void Dispose() => _semaphore.Dispose();
    }
}
