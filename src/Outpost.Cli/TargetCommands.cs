using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;
using Outpost.Core.Diagnostics;
using Outpost.Core.Probing;

namespace Outpost.Cli
{
    /// <summary><c>outpost target init|list</c>, <c>outpost client init|where|show|check</c>, <c>outpost doctor</c>.</summary>
    internal static class TargetCommands
    {
        public const string TargetUsage = "outpost target init [id] [--root ./targets] [--name <name>] [--lanes 1] [--force] | start [id] [--root ./targets] [--supervise] [run flags] | list | clean <id>";
        public const string ClientUsage = "outpost client init [--root ./targets] [--targets <file>] | where | show | check [--timeout 5s]";
        public const string DoctorUsage = "outpost doctor [--targets <file>] [--timeout 5s]";

        public static Task<int> TargetAsync(string[] argv)
        {
            if (argv.Length == 0) throw new UsageException("say init, start, list or clean");
            if (argv[0] == "start") return StartAsync(argv.Skip(1).ToArray());
            var args = Arguments.Parse(argv.Skip(1).ToList(), new HashSet<string> { "root", "name", "lanes" }, new HashSet<string> { "force" });
            string? root = args.Get("root");
            switch (argv[0])
            {
                case "init":
                    var probed = InterpreterProbe.Probe();
                    foreach (var p in probed) Console.Error.WriteLine((p.Works ? "  ok   " : "  FAIL ") + p);
                    var plan = TargetInitializer.Plan(root, args.Positional.FirstOrDefault(), args.Get("name"), args.Int("lanes", 1), probed);
                    TargetInitializer.Apply(plan, args.Flag("force"));
                    Console.WriteLine($"wrote {plan.ConfigPath}");
                    Console.WriteLine($"share {plan.Path}");
                    Console.WriteLine($"start it with: outpost run --dir \"{plan.Path}\" --config \"{plan.ConfigPath}\"");
                    return Task.FromResult(0);
                case "list":
                    string folder = Path.GetFullPath(root ?? TargetInitializer.DefaultRoot());
                    if (!Directory.Exists(folder)) throw new OutpostException("RootNotFound", OutpostErrorKind.NotFound, $"no target root at {folder}", folder);
                    foreach (string dir in Directory.GetDirectories(folder).OrderBy(d => d, StringComparer.Ordinal))
                        if (File.Exists(Path.Combine(dir, "outpost.toml"))) Console.WriteLine($"{Path.GetFileName(dir)}\t{Path.Combine(dir, "share")}");
                    return Task.FromResult(0);
                case "clean":
                    if (args.Positional.Count != 1) throw new UsageException("say which target: outpost target clean <id>");
                    string share = Path.Combine(Path.GetFullPath(root ?? TargetInitializer.DefaultRoot()), args.Positional[0], "share");
                    if (!Directory.Exists(share)) throw new OutpostException("TargetNotFound", OutpostErrorKind.NotFound, $"no target share at {share}", share);
                    int deleted = Outpost.Core.Responding.RetentionSweeper.Sweep(new Outpost.Core.Transport.ShareLayout(share), 0, DateTime.UtcNow.AddSeconds(1));
                    Console.WriteLine($"deleted {deleted} file(s) from {share}/log, outbox and cancel");
                    return Task.FromResult(0);
                default:
                    throw new UsageException($"unknown target command \"{argv[0]}\"");
            }
        }

        /// <summary><c>target start [id]</c>: <c>run</c> on &lt;root&gt;/&lt;id&gt;/share with &lt;root&gt;/&lt;id&gt;/outpost.toml.</summary>
        private static Task<int> StartAsync(string[] argv)
        {
            // The id, when given, comes first: outpost target start vm-a --supervise
            string? id = argv.Length > 0 && !argv[0].StartsWith("-", StringComparison.Ordinal) ? argv[0] : null;
            var rest = new List<string>();
            string? root = null;
            for (int i = id == null ? 0 : 1; i < argv.Length; i++)
            {
                if (argv[i] == "--root" && i + 1 < argv.Length) root = argv[++i];
                else if (argv[i].StartsWith("--root=", StringComparison.Ordinal)) root = argv[i].Substring(7);
                else rest.Add(argv[i]);
            }
            string folder = Path.Combine(Path.GetFullPath(root ?? TargetInitializer.DefaultRoot()), id ?? TargetInitializer.DefaultId());
            if (!File.Exists(Path.Combine(folder, "outpost.toml")))
                throw new OutpostException("TargetNotFound", OutpostErrorKind.NotFound, $"no target at {folder}; create it with: outpost target init {id}", folder);
            rest.InsertRange(0, new[] { "--dir", Path.Combine(folder, "share"), "--config", Path.Combine(folder, "outpost.toml") });
            return RunCommand.RunAsync(rest.ToArray());
        }

        public static async Task<int> ClientAsync(string[] argv)
        {
            if (argv.Length == 0) throw new UsageException("say init, where, show or check");
            var args = Arguments.Parse(argv.Skip(1).ToList(), new HashSet<string> { "root", "targets", "timeout" }, new HashSet<string>());
            string file = ConfigPaths.TargetsFile(args.Get("targets"));
            switch (argv[0])
            {
                case "where":
                    Console.WriteLine(file);
                    return 0;
                case "init":
                    if (File.Exists(file)) throw new OutpostException("RegistryExists", OutpostErrorKind.InvalidOperation, $"{file} already exists; edit it or use --targets <other file>", file);
                    string root = Path.GetFullPath(args.Get("root") ?? TargetInitializer.DefaultRoot());
                    Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                    File.WriteAllText(file, "# targets.toml: the targets this submitter knows (outpost wire protocol v1)\nscan = [" + TargetsFileEditor.Quote(root) + "]\n");
                    Console.WriteLine($"wrote {file} (scanning {root})");
                    return 0;
                case "show":
                    var registry = TargetRegistry.Load(file);
                    foreach (string warning in registry.Warnings) Console.Error.WriteLine("warning: " + warning);
                    foreach (var t in registry.Targets) Console.WriteLine($"{t.Name}{(t.IsDefault ? " (default)" : "")}\t{t.Path}\t{t.Source}");
                    return 0;
                case "check":
                    return await DoctorAsync(argv.Skip(1).ToArray());
                default:
                    throw new UsageException($"unknown client command \"{argv[0]}\"");
            }
        }

        public static async Task<int> DoctorAsync(string[] argv)
        {
            var args = Arguments.Parse(argv, new HashSet<string> { "targets", "timeout", "root" }, new HashSet<string>());
            var findings = await Doctor.ExamineAsync(args.Get("targets"), null, args.Duration("timeout", TimeSpan.FromSeconds(5)));
            foreach (var f in findings) Console.WriteLine(f);
            return findings.Any(f => f.Level == FindingLevel.Error) ? Program.ExitFailure : 0;
        }
    }
}
