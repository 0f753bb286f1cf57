using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Cli
{
    /// <summary><c>outpost status</c>: probe one or more shares and print what they advertise.</summary>
    internal static class StatusCommand
    {
        public const string Usage = "outpost status --dir <share> [--dir <share>]... [--timeout 5s] [--tag <tag>] [--json]";

        public static async Task<int> RunAsync(string[] argv)
        {
            var dirs = new List<string>();
            var rest = new List<string>();
            for (int i = 0; i < argv.Length; i++)
            {
                if ((argv[i] == "--dir" || argv[i] == "-dir") && i + 1 < argv.Length) dirs.Add(argv[++i]);
                else if (argv[i].StartsWith("--dir=", StringComparison.Ordinal)) dirs.Add(argv[i].Substring(6));
                else rest.Add(argv[i]);
            }
            var args = Arguments.Parse(rest, new HashSet<string> { "timeout", "target", "targets", "tag" }, new HashSet<string> { "json" });
            List<OutpostTarget> targets;
            bool named = args.Has("target") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OUTPOST_TARGET")) ||
                         !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OUTPOST_DIR"));
            if (dirs.Count == 0 && !named)
            {
                // No folder and no name: every registered target, as v1's status does.
                var registry = Outpost.Core.Config.TargetRegistry.Load(Outpost.Core.Config.ConfigPaths.TargetsFile(args.Get("targets")));
                foreach (string warning in registry.Warnings) Console.Error.WriteLine("outpost: warning: " + warning);
                if (registry.Targets.Count == 0)
                    throw new UsageException($"no targets are registered in {registry.FilePath}; give --dir <share> or --target <name>");
                targets = registry.Targets.Select(t => new OutpostTarget(t.Path, t.Name) { ExpectedName = t.ExpectedName }).ToList();
            }
            else
            {
                if (dirs.Count == 0) dirs.Add(Program.ShareFrom(args));
                targets = dirs.Select(d => new OutpostTarget(d)).ToList();
            }
            IReadOnlyList<OutpostTargetStatus> statuses = await TargetProbe.ProbeManyAsync(targets, args.Duration("timeout", TimeSpan.FromSeconds(5)));
            if (args.Get("tag") is string tag)
                statuses = statuses.Where(s => s.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase)).ToList(); // responder_tags
            if (args.Flag("json"))
            {
                Console.WriteLine(JsonSerializer.Serialize(statuses, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                foreach (var s in statuses)
                {
                    Console.WriteLine($"{s.Name}: {(s.Available ? "available" : "unavailable")}" + (s.Error != null ? $" ({s.Error})" : ""));
                    if (s.ResponderName.Length > 0)
                        Console.WriteLine($"  responder {s.ResponderName}, pid {s.Pid}, {s.Platform}, protocol {s.ProtocolVersion}, started {ProtocolTime.ToWire(s.Started)}{(s.Paused ? ", PAUSED" : "")}");
                    if (s.ShareFileSystem.Length > 0 || s.LocalFileSystem.Length > 0)
                        Console.WriteLine("  " + DescribeShare(s));
                    foreach (var lane in s.Lanes)
                        Console.WriteLine($"  lane {lane.Lane}: {lane.State.ToString().ToLowerInvariant()}{(lane.BusyStem.Length > 0 ? " " + lane.BusyStem : "")}, queued {lane.Queued}, heartbeat {ProtocolTime.ToWire(lane.LastHeartbeat)}");
                    if (s.DispatchOrder.Count > 0)
                        Console.WriteLine("  dispatch " + string.Join(", ", s.DispatchOrder.Select(e => s.Dispatch.TryGetValue(e, out var p) ? $"{e}={p}" : e)));
                }
            }
            return statuses.All(s => s.Available) ? 0 : Program.ExitFailure;
        }

        /// <summary>"share on fuse.sshfs at the responder (watched by dir-stamp); ext4 here".</summary>
        private static string DescribeShare(OutpostTargetStatus s)
        {
            string responder = s.ShareFileSystem.Length > 0
                ? $"share on {s.ShareFileSystem} at the responder" + (s.ShareWatch.Length > 0 ? $" (watched by {s.ShareWatch})" : "")
                : "share";
            return s.LocalFileSystem.Length > 0 ? $"{responder}; {s.LocalFileSystem} here" : responder;
        }
    }
}
