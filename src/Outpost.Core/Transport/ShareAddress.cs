using System;
using System.Globalization;
using Outpost.Core.Protocol;

namespace Outpost.Core.Transport
{
    /// <summary>The top-level places of a share; <see cref="Root"/> holds the sentinels and outpost.log.</summary>
    public enum ShareArea { Root, Inbox, Outbox, Cancel, Log }

    /// <summary>
    /// One file in a share: area, lane (0 for the area itself) and a plain file name. Built only from
    /// names that pass <see cref="IsSafeName"/>, so a name read back from the share can never become a
    /// path that climbs out of it.
    /// </summary>
    public readonly struct ShareAddress : IEquatable<ShareAddress>
    {
        public ShareAddress(ShareArea area, int lane, string name)
        {
            if (lane < 0 || (area == ShareArea.Root && lane != 0))
                throw new ArgumentOutOfRangeException(nameof(lane), lane, "lanes are numbered from 1 (0: the area itself)");
            if (!IsSafeName(name)) throw new ArgumentException($"\"{Printable(name)}\" is not a usable file name in the share", nameof(name));
            Area = area;
            Lane = lane;
            Name = name;
        }

        public ShareArea Area { get; }
        public int Lane { get; }
        public string Name { get; }

        public static ShareAddress Root(string name) => new ShareAddress(ShareArea.Root, 0, name);
        public static ShareAddress In(ShareArea area, int lane, string name) => new ShareAddress(area, lane, name);

        /// <summary>This address with another name in the same folder (a sidecar, a temp file).</summary>
        public ShareAddress WithName(string name) => new ShareAddress(Area, Lane, name);

        /// <summary>
        /// A single path component of printable characters: no separator, no drive colon, not . or ..,
        /// no control character, at most 255 characters.
        /// </summary>
        public static bool IsSafeName(string? name)
        {
            if (string.IsNullOrEmpty(name) || name!.Length > 255 || name == "." || name == "..") return false;
            foreach (char c in name)
            {
                if (c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == ':' || (c >= 0x80 && c < 0xA0)) return false;
            }
            return true;
        }

        /// <summary>A name safe to show in a message or a log line: control characters as \xNN.</summary>
        public static string Printable(string? name)
        {
            if (name is null) return "";
            var text = new System.Text.StringBuilder(name.Length);
            foreach (char c in name)
            {
                if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                else text.Append(c);
            }
            return text.ToString();
        }

        public static string FolderName(ShareArea area) => area switch
        {
            ShareArea.Inbox => Wire.InboxDir,
            ShareArea.Outbox => Wire.OutboxDir,
            ShareArea.Cancel => Wire.CancelDir,
            ShareArea.Log => Wire.LogDir,
            _ => "",
        };

        public bool Equals(ShareAddress other) => Area == other.Area && Lane == other.Lane && string.Equals(Name, other.Name, StringComparison.Ordinal);
        public override bool Equals(object? obj) => obj is ShareAddress other && Equals(other);
        public override int GetHashCode() => ((int)Area * 397) ^ (Lane * 31) ^ StringComparer.Ordinal.GetHashCode(Name ?? "");
        public override string ToString() =>
            Area == ShareArea.Root ? Name : Lane == 0 ? FolderName(Area) + "/" + Name : FolderName(Area) + "/" + Lane.ToString(CultureInfo.InvariantCulture) + "/" + Name;
    }
}
