using System;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Core.Remoting
{
    /// <summary>
    /// Decides when waiting for an interactive command is pointless because nobody serves the target.
    /// Heartbeats that exist but are stale, or say the lane stopped, mean no responder at once; no
    /// heartbeat at all (a share never served, or one whose first heartbeat has not synced yet) is given
    /// a grace period first. A paused or busy lane with a fresh heartbeat is alive: the wait goes on.
    /// </summary>
    public sealed class ResponderLiveness
    {
        /// <summary>How long a share without any heartbeat gets before the wait gives up.</summary>
        public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(Wire.LivenessWindowSeconds);

        private readonly TimeSpan _grace;
        private DateTime? _silentSince;

        public ResponderLiveness(TimeSpan grace) => _grace = grace;

        /// <summary>Throws NoLiveResponder when the snapshot (taken at <paramref name="nowUtc"/>) shows nobody serving the job's lane.</summary>
        public void Check(OutpostTarget target, WaitProgress progress, DateTime nowUtc)
        {
            if (progress.ResponderAlive)
            {
                _silentSince = null;
                return;
            }
            bool neverSeen = progress.LaneState == LaneState.Unknown;
            _silentSince ??= nowUtc;
            if (neverSeen && nowUtc - _silentSince.Value < _grace) return;
            var job = progress.Job;
            string why = neverSeen
                ? $"no responder has written a heartbeat for lane {job.Lane} within {_grace.TotalSeconds:0} s"
                : progress.LaneState == LaneState.Stopped
                    ? $"the responder of lane {job.Lane} has stopped"
                    : $"the last heartbeat of lane {job.Lane} is older than {Wire.LivenessWindowSeconds} s";
            string where = progress.QueuePosition > 1 ? $"job {job.Stem} is queued at position {progress.QueuePosition}"
                : progress.LaneState == LaneState.Busy ? $"job {job.Stem} was started but has no result"
                : $"job {job.Stem} has no result";
            throw new OutpostException("NoLiveResponder", OutpostErrorKind.ConnectionError,
                $"no live responder on {target.Name}: {why}; {where}. Start one (Start-OutpostResponder -Path {target.Path}), " +
                "or give -WaitTimeoutSec to wait for one that is starting or whose share syncs slowly", job);
        }
    }
}
