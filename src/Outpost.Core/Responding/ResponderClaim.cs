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

        private static readonly ShareAddress Address = ShareAddress.In(ShareArea.Inbox, 0, FileName);

        private readonly IShareTransport _share;
        private readonly IProcessProbe _processes;
        private readonly string _instance = Guid.NewGuid().ToString("N");
        private readonly TimeSpan _staleAfter;

        public ResponderClaim(ShareLayout layout, TimeSpan? staleAfter = null)
            : this(new FileShareTransport(layout), staleAfter) { }

        public ResponderClaim(IShareTransport share, TimeSpan? staleAfter = null, IProcessProbe? processes = null)
        {
            _share = share;
            _staleAfter = staleAfter ?? TimeSpan.FromSeconds(Wire.LivenessWindowSeconds);
            _processes = processes ?? LocalProcessProbe.Instance;
        }

        public string Instance => _instance;

        /// <summary>Takes the claim, or returns why not (a live responder holds it).</summary>
        public string? TryAcquire()
        {
            for (int attempt = 0; attempt < 20; attempt++)
            {
                var holder = Read();
                if (holder != null && holder["instance"] != _instance && IsFresh(holder))
                    return $"another responder serves this folder: {holder["host"]} pid {holder["pid"]}, last seen {holder["heartbeat"]} UTC; " +
                           "stop it first (Stop-OutpostResponder / outpost stop), or wait until its claim is older than " +
                           $"{_staleAfter.TotalSeconds:0} s if it died";
                if (holder == null)
                {
                    // A link, FIFO or garbage where the claim belongs says nothing about a responder: remove it
                    // (a link itself, never its target). Two responders starting at once: only one create-new wins.
                    if (_share.KindOf(Address) is EntryKind.Link or EntryKind.Special or EntryKind.File) _share.TryDelete(Address);
                    if (!_share.TryCreate(Address, Content())) continue;
                }
                else Refresh();
                // Someone else may have taken over at the same moment: the last writer holds it; check we are it.
                if (Holds()) return null;
            }
            return $"could not take {ShareAddress.In(ShareArea.Inbox, 0, FileName)}: another responder keeps replacing it";
        }

        /// <summary>Refreshes the claim; false when another responder has taken it over (we must stop).</summary>
        public bool Refresh()
        {
            var holder = Read();
            if (holder != null && holder["instance"] != _instance && IsFresh(holder)) return false;
            try { _share.Write(Address, Content(), durable: false); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            return true;
        }

        public bool Holds() => Read()?["instance"] == _instance;

        public void Release()
        {
            if (Holds()) _share.TryDelete(Address);
        }

        private bool IsFresh(KeyValueFile holder)
        {
            // On this host a dead holder is known at once: no need to wait out the window. A pid we may
            // not look at (another account's, a protected process) says nothing: the heartbeat decides.
            if (holder["host"] == Environment.MachineName && int.TryParse(holder["pid"], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                _processes.IsRunning(pid) == false) return false;
            DateTime? beat;
            try { beat = ProtocolTime.Parse(holder["heartbeat"]); }
            catch (FormatException) { return false; }
            return beat.HasValue && DateTime.UtcNow - beat.Value < _staleAfter;
        }

        /// <summary>The claim as written, or null when missing, unreadable, not a regular file (a planted FIFO) or oversized.</summary>
        private KeyValueFile? Read()
        {
            byte[]? bytes = _share.TryRead(Address, 64 * 1024);
            if (bytes is null) return null;
            try { return KeyValueFile.Parse(bytes); }
            catch (FormatException) { return null; }
        }

        private byte[] Content() => new KeyValueFile()
            .Add("host", Environment.MachineName)
            .Add("pid", Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture))
            .Add("instance", _instance)
            .Add("heartbeat", ProtocolTime.ToWire(DateTime.UtcNow))
            .ToBytes();
    }

    /// <summary>Whether a process is alive: null when it cannot be told (access denied), so callers fall back to other evidence.</summary>
    public interface IProcessProbe
    {
        bool? IsRunning(int pid);
    }

    /// <summary>
    /// The local process table. On .NET Framework, HasExited on a pid that now belongs to SYSTEM or a
    /// protected process throws Win32Exception; that and any other refusal is "unknown", never a crash.
    /// </summary>
    public sealed class LocalProcessProbe : IProcessProbe
    {
        public static readonly LocalProcessProbe Instance = new LocalProcessProbe();

        public bool? IsRunning(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException) { return false; } // no such process
            catch (InvalidOperationException) { return false; } // exited while we looked
            catch (Exception e) when (e is System.ComponentModel.Win32Exception || e is NotSupportedException || e is UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
