using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Protocol;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Reads targets' advertisements and heartbeats. Many targets are probed in parallel, each within
    /// the same timeout, so a hung network share costs one timeout, not one per target.
    /// </summary>
    public static class TargetProbe
    {
        public static OutpostTargetStatus Probe(OutpostTarget target, DateTime nowUtc)
        {
            var status = new OutpostTargetStatus { Name = target.Name, Path = target.Path };
            if (!Directory.Exists(target.Path))
            {
                status.Error = $"the shared folder {target.Path} does not exist or is not reachable";
                return status;
            }
            status.Paused = target.HasSentinel(Wire.PauseSentinel);
            status.LocalFileSystem = Transport.ShareFileSystem.Detect(target.Path).TypeName;
            var info = target.TryReadDispatch(out string? dispatchError);
            if (info != null)
            {
                status.ResponderName = info.ResponderName;
                status.ProtocolVersion = info.ProtocolVersion;
                status.Pid = info.Pid;
                status.Started = info.Started;
                status.Platform = info.PlatformOs.Length > 0 ? info.PlatformOs + "/" + info.PlatformArch : "";
                status.Description = info.Description;
                status.Tags = info.Tags;
                status.LaneCount = info.LaneCount;
                status.DispatchOrder = info.Order;
                status.Dispatch = info.Interpreters;
                status.ShareFileSystem = info.ShareFs;
                status.Features = info.Features;
                status.ShareWatch = info.ShareWatch;
            }
            IEnumerable<int> lanes = info != null ? Enumerable.Range(1, info.LaneCount) : target.Lanes();
            foreach (int lane in lanes)
            {
                var record = target.TryReadStatus(lane);
                status.Lanes.Add(new OutpostLaneStatus
                {
                    Target = target.Name,
                    Lane = lane,
                    State = record?.State ?? LaneState.Unknown,
                    BusyStem = record?.BusyStem ?? "",
                    Queued = record?.Queued ?? 0,
                    Message = record?.Message ?? "",
                    LastHeartbeat = record?.LastHeartbeat,
                    Alive = record?.IsAlive(nowUtc) ?? false,
                });
            }
            if (status.LaneCount == 0) status.LaneCount = status.Lanes.Count;
            status.Alive = status.Lanes.Any(l => l.Alive);
            status.Error = dispatchError
                ?? (info!.ProtocolVersion != 0 && info.ProtocolVersion != Wire.ProtocolVersion
                    ? $"protocol version mismatch: the responder speaks {info.ProtocolVersion}, this client speaks {Wire.ProtocolVersion}"
                    : null)
                ?? (target.ExpectedName.Length > 0 && info.ResponderName != target.ExpectedName
                    ? $"the responder here advertises the name \"{info.ResponderName}\", not the expected \"{target.ExpectedName}\": is this the right share?"
                    : null)
                ?? (status.Alive ? null : "no live responder: no lane has a heartbeat younger than 10 s (is the responder running?)");
            status.Available = status.Error == null;
            return status;
        }

        /// <summary>Probes every target at once; a target that does not answer within the timeout is reported unavailable.</summary>
        public static async Task<IReadOnlyList<OutpostTargetStatus>> ProbeManyAsync(IEnumerable<OutpostTarget> targets, TimeSpan timeout,
            CancellationToken cancel = default)
        {
            var list = targets.ToList();
            var probes = list.Select(t => ProbeWithin(t, timeout, cancel)).ToList();
            var statuses = await Task.WhenAll(probes).ConfigureAwait(false);
            MarkCollisions(statuses);
            return statuses;
        }

        private static async Task<OutpostTargetStatus> ProbeWithin(OutpostTarget target, TimeSpan timeout, CancellationToken cancel)
        {
            // On the thread pool: starting a thread per target costs more than probing a local share.
            // A probe stuck on a dead mount holds one pool thread; the pool grows past it, and the
            // timeout below reports that target without waiting for it.
            var probe = Task.Run(() => Probe(target, DateTime.UtcNow), cancel);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var finished = await Task.WhenAny(probe, Task.Delay(timeout, timer.Token)).ConfigureAwait(false);
            timer.Cancel();
            if (finished == probe) return await probe.ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
            return new OutpostTargetStatus
            {
                Name = target.Name,
                Path = target.Path,
                Error = $"no answer from {target.Path} within {timeout.TotalSeconds:0.###} s (a hung or slow share?)",
            };
        }

        /// <summary>Targets advertising the same non-empty responder name are all marked unavailable, naming the others.</summary>
        public static void MarkCollisions(IReadOnlyList<OutpostTargetStatus> statuses)
        {
            foreach (var group in statuses.Where(s => s.ResponderName.Length > 0).GroupBy(s => s.ResponderName, StringComparer.Ordinal))
            {
                var members = group.ToList();
                // The same folder named twice is one responder, not a collision.
                if (members.Select(m => System.IO.Path.GetFullPath(m.Path)).Distinct().Count() < 2) continue;
                foreach (var status in members)
                {
                    string others = string.Join(", ", members.Where(m => m.Path != status.Path).Select(m => m.Name).Distinct());
                    status.Collision = others;
                    status.Available = false;
                    status.Error = $"responder name \"{group.Key}\" is also advertised by {others}: give each responder its own name";
                }
            }
        }
    }
}
