using System;
using System.Collections.Generic;
using System.IO;

namespace Outpost.Core.Transport
{
    /// <summary>One entry of a share folder as listed: its name and what it is (never following a link).</summary>
    public readonly struct ShareEntry
    {
        public ShareEntry(string name, EntryKind kind)
        {
            Name = name;
            Kind = kind;
        }

        /// <summary>The name as found; check it with <see cref="ShareAddress.IsSafeName"/> before using it.</summary>
        public string Name { get; }
        public EntryKind Kind { get; }
    }

    /// <summary>
    /// Everything either side does to a share, addressed by <see cref="ShareAddress"/> rather than by path.
    /// Every implementation keeps the share's rules: no link is ever followed, no FIFO, socket or device is
    /// ever opened, and no name read from the share becomes a path before it is validated. An entry that
    /// breaks them raises <see cref="ShareRefusedException"/> (an IOException).
    /// </summary>
    public interface IShareTransport
    {
        /// <summary>Where the share is, for messages and the replay ledger (the resolved path for a folder share).</summary>
        string Location { get; }

        /// <summary>The share and its inbox are there (a mounted share that went away is not).</summary>
        bool IsAvailable();

        /// <summary>What is at the address: a missing lane or area folder makes it <see cref="EntryKind.Missing"/>.</summary>
        EntryKind KindOf(ShareAddress address);

        /// <summary>The entries of an area (lane 0) or lane folder; empty when the folder is missing.</summary>
        IReadOnlyList<ShareEntry> List(ShareArea area, int lane);

        /// <summary>The size of a regular file; null when there is none.</summary>
        long? SizeOf(ShareAddress address);

        /// <summary>Reads a regular file whole; null when missing. Refused when larger than <paramref name="maxBytes"/>.</summary>
        byte[]? Read(ShareAddress address, long maxBytes);

        /// <summary>Opens a regular file for streaming; null when missing.</summary>
        Stream? OpenRead(ShareAddress address);

        /// <summary>Replaces the file atomically (temp file, then rename): a reader never sees half of it.</summary>
        void Write(ShareAddress address, byte[] content, bool durable = true);

        /// <summary>Writes only when nothing is at the address yet; false when something is.</summary>
        bool TryCreate(ShareAddress address, byte[] content);

        /// <summary>Deletes a file (a link is removed itself, never its target); false when nothing was deleted.</summary>
        bool Delete(ShareAddress address);

        DateTime? LastWriteUtc(ShareAddress address);

        /// <summary>The location of one file, for messages and the paths users see.</summary>
        string LocationOf(ShareAddress address);

        /// <summary>
        /// A local path to stream a file into (job output, file parts) before <see cref="PublishStaged"/> renames
        /// it to <paramref name="final"/>: large files are never held in memory, and never seen half-written.
        /// </summary>
        string Stage(ShareAddress final);

        void PublishStaged(string staged, ShareAddress final);

        void DiscardStaged(string staged);
    }

    /// <summary>The submitter's side: drop jobs, read results, and wait for them.</summary>
    public interface ISubmitterTransport : IShareTransport
    {
        /// <summary>Creates the area or lane folder if missing; refused when it is a link or a file.</summary>
        void EnsureFolder(ShareArea area, int lane);

        /// <summary>Lane numbers that have a folder in the area.</summary>
        IReadOnlyList<int> Lanes(ShareArea area);

        /// <summary>Calls <paramref name="changed"/> when a name in the lane folder starting with <paramref name="prefix"/> appears; null when the transport cannot notify (poll).</summary>
        IDisposable? Watch(ShareArea area, int lane, string prefix, Action changed);
    }

    /// <summary>The responder's side: check the layout, move jobs, stream output, append the journal.</summary>
    public interface IResponderTransport : IShareTransport
    {
        /// <summary>Creates missing folders and checks each is a real folder (see <see cref="LayoutReport"/>).</summary>
        LayoutReport PrepareLayout(int laneCount);

        /// <summary>Lane numbers that have a folder in the area.</summary>
        IReadOnlyList<int> Lanes(ShareArea area);

        /// <summary>Moves a regular file (replacing the destination) within the share.</summary>
        void Move(ShareAddress from, ShareAddress to);

        /// <summary>Appends to a file, creating it; never through a link, never to a FIFO.</summary>
        void Append(ShareAddress address, byte[] content);


        /// <summary>Change notifications for the whole share, or null when the transport has none (poll).</summary>
        ShareWatcher? Watch();
    }

    /// <summary>What a responder found when it checked the share's folders.</summary>
    public sealed class LayoutReport
    {
        /// <summary>Why the share cannot be served at all (null when it can).</summary>
        public string? Fatal { get; set; }

        /// <summary>The share is there but holds a link or file where a folder belongs: refuse, do not retry as if unmounted.</summary>
        public bool Unsafe { get; set; }

        /// <summary>Lanes that cannot be served, with the reason (a lane folder that is a link, say).</summary>
        public IDictionary<int, string> RefusedLanes { get; } = new SortedDictionary<int, string>();
    }

    public static class ShareTransportExtensions
    {
        public static bool Exists(this IShareTransport share, ShareAddress address) => share.KindOf(address) == EntryKind.File;

        /// <summary>Reads a small file, or null when it is missing, unreadable, refused or larger than <paramref name="maxBytes"/>.</summary>
        public static byte[]? TryRead(this IShareTransport share, ShareAddress address, long maxBytes = 1024 * 1024)
        {
            try { return share.Read(address, maxBytes); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }

        public static bool TryDelete(this IShareTransport share, ShareAddress address)
        {
            try { return share.Delete(address); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return false; }
        }
    }
}
