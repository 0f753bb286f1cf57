using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// One responder per share: <c>inbox/responder.claim</c> names the holder (host, pid, instance) and is
    /// refreshed with every heartbeat. A second responder, on this host or another, finds a fresh claim
    /// and refuses to start; a stale one (holder gone, no refresh for the liveness window) is taken over.
    /// v1 peers never read inbox/ root files other than dispatch.txt, so the claim is invisible to them.
    /// </summary>
    public sealed class ResponderClaim
    {
        public const string FileName = "responder.claim";

        private readonly string _path;
        private readonly string _instance = Guid.NewGuid().ToString("N");
        private readonly TimeSpan _staleAfter;

        public ResponderClaim(ShareLayout layout, TimeSpan? staleAfter = null)
        {
            _path = Path.Combine(layout.Inbox, FileName);
            _staleAfter = staleAfter ?? TimeSpan.FromSeconds(Wire.LivenessWindowSeconds);
        }

        public string Instance => _instance;

        /// <summary>Takes the claim, or returns why not (a live responder holds it).</summary>
        public string? TryAcquire()
        {
            var holder = Read();
            if (holder != null && holder["instance"] != _instance && IsFresh(holder))
                return $"another responder serves this folder: {holder["host"]} pid {holder["pid"]}, last seen {holder["heartbeat"]} UTC; " +
                       "stop it first (Stop-OutpostResponder / outpost stop), or wait until its claim is older than " +
                       $"{_staleAfter.TotalSeconds:0} s if it died";
            if (holder == null)
            {
                // Two responders starting at once: only one create-new can win.
                if (!AtomicFile.TryCreateNew(_path, Content()))
                    return TryAcquire();
            }
            else Refresh();
            // Someone else may have taken over at the same moment: the last writer holds it; check we are it.
            return Holds() ? null : TryAcquire();
        }

        /// <summary>Refreshes the claim; false when another responder has taken it over (we must stop).</summary>
        public bool Refresh()
        {
            var holder = Read();
            if (holder != null && holder["instance"] != _instance && IsFresh(holder)) return false;
            try { AtomicFile.Write(_path, Content(), durable: false); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            return true;
        }

        public bool Holds() => Read()?["instance"] == _instance;

        public void Release()
        {
            if (Holds()) AtomicFile.TryDelete(_path);
        }

        private bool IsFresh(KeyValueFile holder)
        {
            // On this host a dead holder is known at once: no need to wait out the window.
            if (holder["host"] == Environment.MachineName && int.TryParse(holder["pid"], out int pid) && !ProcessExists(pid)) return false;
            DateTime? beat;
            try { beat = ProtocolTime.Parse(holder["heartbeat"]); }
            catch (FormatException) { return false; }
            return beat.HasValue && DateTime.UtcNow - beat.Value < _staleAfter;
        }

        private static bool ProcessExists(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException) { return false; }
            catch (InvalidOperationException) { return false; }
        }

        private KeyValueFile? Read()
        {
            try { return KeyValueFile.Parse(File.ReadAllBytes(_path)); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException) { return null; }
        }

        private byte[] Content() => new KeyValueFile()
            .Add("host", Environment.MachineName)
            .Add("pid", Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture))
            .Add("instance", _instance)
            .Add("heartbeat", ProtocolTime.ToWire(DateTime.UtcNow))
            .ToBytes();
    }
}
