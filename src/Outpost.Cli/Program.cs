using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core;

namespace Outpost.Cli
{
    /// <summary>
    /// The <c>outpost</c> command: a thin front end over Outpost.Core with the Go tool's command and
    /// flag names, for hosts without PowerShell.
    /// </summary>
    public static class Program
    {
        public const int ExitUsage = 2;
        public const int ExitFailure = 1;

        private static readonly Dictionary<string, (Func<string[], Task<int>> Run, string Usage)> Commands = new()
        {
            ["run"] = (RunCommand.RunAsync, RunCommand.Usage),
            ["submit"] = (SubmitCommand.RunAsync, SubmitCommand.Usage),
            ["cp"] = (CopyCommand.RunAsync, CopyCommand.Usage),
            ["status"] = (StatusCommand.RunAsync, StatusCommand.Usage),
            ["cancel"] = (SentinelCommands.CancelAsync, SentinelCommands.CancelUsage),
            ["stop"] = (a => SentinelCommands.GlobalAsync(a, "stop"), SentinelCommands.GlobalUsage("stop")),
            ["pause"] = (a => SentinelCommands.GlobalAsync(a, "pause"), SentinelCommands.GlobalUsage("pause")),
            ["resume"] = (a => SentinelCommands.GlobalAsync(a, "resume"), SentinelCommands.GlobalUsage("resume")),
            ["restart"] = (a => SentinelCommands.GlobalAsync(a, "restart"), SentinelCommands.GlobalUsage("restart")),
            ["target"] = (TargetCommands.TargetAsync, TargetCommands.TargetUsage),
            ["client"] = (TargetCommands.ClientAsync, TargetCommands.ClientUsage),
            ["doctor"] = (TargetCommands.DoctorAsync, TargetCommands.DoctorUsage),
            ["demo"] = (DemoCommand.RunAsync, DemoCommand.Usage),
            ["setup"] = (SetupCommand.RunAsync, SetupCommand.Usage),
            ["service"] = (ServiceCommand.RunAsync, ServiceCommand.Usage),
            ["key"] = (KeyCommand.RunAsync, KeyCommand.Usage),
            ["clean"] = (CleanAsync, "outpost clean --dir <share> [--retain-days 7]"),
            ["version"] = (_ => { Console.WriteLine("outpost " + Version + " (wire protocol v1)"); return Task.FromResult(0); }, "outpost version"),
        };

        public static string Version => typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

        public static async Task<int> Main(string[] args)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                PrintHelp(Console.Out);
                return args.Length == 0 ? ExitUsage : 0;
            }
            if (!Commands.TryGetValue(args[0], out var command))
            {
                Console.Error.WriteLine($"outpost: unknown command \"{args[0]}\"");
                PrintHelp(Console.Error);
                return ExitUsage;
            }
            try
            {
                return await command.Run(args.Skip(1).ToArray());
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"outpost {args[0]}: {e.Message}");
                Console.Error.WriteLine("usage: " + command.Usage);
                return ExitUsage;
            }
            catch (OutpostException e)
            {
                Console.Error.WriteLine($"outpost {args[0]}: {e.Message}");
                return e.Kind == OutpostErrorKind.ConnectionError ? 74 : ExitFailure;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException)
            {
                Console.Error.WriteLine($"outpost {args[0]}: {e.Message}");
                return ExitFailure;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"outpost {args[0]}: cancelled");
                return 130; // as a shell reports a command ended by Ctrl+C
            }
        }

        /// <summary><c>clean</c>: the retention sweep, forced now.</summary>
        private static Task<int> CleanAsync(string[] argv)
        {
            var args = Arguments.Parse(argv, new HashSet<string> { "dir", "target", "targets", "retain-days" }, new HashSet<string>());
            string share = ShareFrom(args);
            int deleted = Outpost.Core.Responding.RetentionSweeper.Sweep(new Outpost.Core.Transport.ShareLayout(share),
                args.Int("retain-days", Outpost.Core.Protocol.Wire.DefaultRetainDays), DateTime.UtcNow);
            Console.WriteLine($"deleted {deleted} file(s)");
            return Task.FromResult(0);
        }

        private static void PrintHelp(TextWriter to)
        {
            to.WriteLine("outpost — run scripts on hosts you can reach only through a shared folder (wire protocol v1)");
            to.WriteLine();
            to.WriteLine("usage:");
            foreach (var command in Commands.Values) to.WriteLine("  " + command.Usage);
            to.WriteLine();
            to.WriteLine("Environment: OUTPOST_DIR (the share for --dir), OUTPOST_NAME (responder name).");
        }

        /// <summary>
        /// The share folder: --dir, else --target (or OUTPOST_TARGET) looked up in targets.toml
        /// (--targets or OUTPOST_TARGETS), else OUTPOST_DIR, else the registry's default target.
        /// </summary>
        internal static string ShareFrom(Arguments args)
        {
            string? dir = args.Get("dir");
            if (!string.IsNullOrWhiteSpace(dir)) return dir!;
            string? target = args.Get("target") ?? NonEmpty(Environment.GetEnvironmentVariable("OUTPOST_TARGET"));
            string? fromEnvironment = NonEmpty(Environment.GetEnvironmentVariable("OUTPOST_DIR"));
            if (target == null && fromEnvironment != null) return fromEnvironment;
            var registry = Outpost.Core.Config.TargetRegistry.Load(Outpost.Core.Config.ConfigPaths.TargetsFile(args.Get("targets")));
            foreach (string warning in registry.Warnings) Console.Error.WriteLine("outpost: warning: " + warning);
            if (target == null && registry.Targets.Count == 0)
                throw new UsageException("say which shared folder to use: --dir <folder>, --target <name> (from targets.toml), or OUTPOST_DIR");
            return registry.Resolve(target).Path;
        }

        /// <summary>The target to submit to: a registered one keeps its expected name and pinned responder key.</summary>
        internal static Outpost.Core.Client.OutpostTarget TargetFrom(Arguments args)
        {
            string share = ShareFrom(args);
            if (!string.IsNullOrWhiteSpace(args.Get("dir"))) return new Outpost.Core.Client.OutpostTarget(share);
            var registry = Outpost.Core.Config.TargetRegistry.Load(Outpost.Core.Config.ConfigPaths.TargetsFile(args.Get("targets")));
            var entry = registry.Targets.FirstOrDefault(t => t.Path == share);
            return entry is null ? new Outpost.Core.Client.OutpostTarget(share) : Outpost.Core.Client.OutpostTarget.FromEntry(entry);
        }

        private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
