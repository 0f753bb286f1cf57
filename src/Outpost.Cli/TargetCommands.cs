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
        public const string TargetUsage = "outpost target init [id] [--root ./targets] [--name <name>] [--lanes 1] [--force] | outpost target list [--root ./targets]";
        public const string ClientUsage = "outpost client init [--root ./targets] [--targets <file>] | where | show | check [--timeout 5s]";
        public const string DoctorUsage = "outpost doctor [--targets <file>] [--timeout 5s]";

        public static Task<int> TargetAsync(string[] argv)
        {
            if (argv.Length == 0) throw new UsageException("say init or list");
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
                default:
                    throw new UsageException($"unknown target command \"{argv[0]}\"");
            }
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
