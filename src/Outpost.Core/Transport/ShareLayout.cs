using System;
using System.Globalization;
using System.IO;
using Outpost.Core.Protocol;

namespace Outpost.Core.Transport
{
    /// <summary>Where each v1 file lives inside a share. Pure path arithmetic: touches no disk.</summary>
    public sealed class ShareLayout
    {
        public ShareLayout(string root)
        {
            if (string.IsNullOrWhiteSpace(root)) throw new ArgumentException("the share path is empty", nameof(root));
            Root = Path.GetFullPath(root);
        }

        public string Root { get; }

        public string Inbox => Path.Combine(Root, Wire.InboxDir);
        public string Outbox => Path.Combine(Root, Wire.OutboxDir);
        public string Cancel => Path.Combine(Root, Wire.CancelDir);
        public string Log => Path.Combine(Root, Wire.LogDir);
        public string DispatchFile => Path.Combine(Inbox, Wire.DispatchFile);
        public string EventLogFile => Path.Combine(Root, Wire.EventLogFile);

        public string InboxLane(int lane) => Path.Combine(Inbox, LaneName(lane));
        public string OutboxLane(int lane) => Path.Combine(Outbox, LaneName(lane));
        public string CancelLane(int lane) => Path.Combine(Cancel, LaneName(lane));
        public string LogLane(int lane) => Path.Combine(Log, LaneName(lane));
        public string StatusFile(int lane) => Path.Combine(InboxLane(lane), Wire.StatusFile);

        public string JobFile(int lane, string jobFileName) => Path.Combine(InboxLane(lane), jobFileName);
        public string ArchivedJobFile(int lane, string jobFileName) => Path.Combine(LogLane(lane), jobFileName);
        public string ResultFile(int lane, string stem) => Path.Combine(OutboxLane(lane), stem + Wire.ResultExtension);
        public string StdoutFile(int lane, string stem) => Path.Combine(OutboxLane(lane), stem + Wire.StdoutExtension);
        public string StderrFile(int lane, string stem) => Path.Combine(OutboxLane(lane), stem + Wire.StderrExtension);
        public string CancelFile(int lane, string stem) => Path.Combine(CancelLane(lane), stem);
        public string Sentinel(string name) => Path.Combine(Root, name);

        public static string LaneName(int lane)
        {
            if (lane < 1) throw new ArgumentOutOfRangeException(nameof(lane), lane, "lanes are numbered from 1");
            return lane.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>Lane folders are the numeric children; anything else there is reserved and ignored.</summary>
        public static bool TryParseLaneName(string name, out int lane) =>
            int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out lane) && lane >= 1 &&
            lane.ToString(CultureInfo.InvariantCulture) == name;

        public override string ToString() => Root;
    }
}
