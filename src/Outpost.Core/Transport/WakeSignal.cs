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
            // Whole milliseconds, rounded up: a semaphore given 0.4 ms would not wait at all.
            int milliseconds = timeout <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
            try { return await _semaphore.WaitAsync(milliseconds, cancel).ConfigureAwait(false); }
            catch (OperationCanceledException) { return true; }
        }

        public void Dispose() => _semaphore.Dispose();
    }
}
