using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Cli
{
    /// <summary><c>cancel</c>, <c>stop</c>, <c>pause</c>, <c>resume</c>, <c>restart</c>: sentinel files.</summary>
    internal static class SentinelCommands
    {
        public const string CancelUsage = "outpost cancel <stem> --dir <share> [--lane 1]";

        public static string GlobalUsage(string verb) => $"outpost {verb} --dir <share>";

        public static Task<int> CancelAsync(string[] argv)
        {
            var args = Arguments.Parse(argv, new HashSet<string> { "dir", "target", "targets", "lane" }, new HashSet<string>());
            if (args.Positional.Count != 1) throw new UsageException("give the stem of the job to cancel");
            new OutpostTarget(Program.ShareFrom(args)).Cancel(args.Int("lane", 1), args.Positional[0]);
            return Task.FromResult(0);
        }

        public static Task<int> GlobalAsync(string[] argv, string verb)
        {
            var args = Arguments.Parse(argv, new HashSet<string> { "dir", "target", "targets" }, new HashSet<string>());
            if (args.Positional.Count > 0) throw new UsageException($"unexpected argument \"{args.Positional[0]}\"");
            var target = new OutpostTarget(Program.ShareFrom(args));
            switch (verb)
            {
                case "stop": target.SetSentinel(Wire.StopSentinel); break;
                case "pause": target.SetSentinel(Wire.PauseSentinel); break;
                case "resume": target.ClearSentinel(Wire.PauseSentinel); break;
                case "restart": target.SetSentinel(Wire.RestartSentinel); break;
            }
            return Task.FromResult(0);
        }
    }
}
