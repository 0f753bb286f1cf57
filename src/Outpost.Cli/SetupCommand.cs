using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Config;
using Outpost.Core.Probing;
using Outpost.Core.Transport;

namespace Outpost.Cli
{
    /// <summary><c>outpost setup</c>: probe this host's interpreters and manage the responder's outpost.toml (v1's command).</summary>
    internal static class SetupCommand
    {
        public const string Usage = "outpost setup [--where] [--show] [--check] [--diff] [--write <path>] [--force] [--name <name>] [--lanes N]";

        public static Task<int> RunAsync(string[] argv)
        {
            var args = Arguments.Parse(argv, new HashSet<string> { "write", "name", "lanes", "config" },
                new HashSet<string> { "where", "show", "check", "diff", "force" });
            string path = args.Get("write") is string w ? Path.GetFullPath(w) : ConfigPaths.ResponderFile(args.Get("config"));
            bool readOnly = args.Flag("where") || args.Flag("show") || args.Flag("check") || args.Flag("diff");
            if (args.Flag("where")) Console.WriteLine(path);
            if (args.Flag("show"))
            {
                if (!File.Exists(path)) { Console.Error.WriteLine($"no configuration at {path} (run: outpost setup)"); return Task.FromResult(Program.ExitFailure); }
                Console.Write(File.ReadAllText(path));
            }
            if (!args.Flag("check") && !args.Flag("diff") && readOnly) return Task.FromResult(0);

            var probed = InterpreterProbe.Probe();
            if (args.Flag("check") || !readOnly)
                foreach (var p in probed) Console.Error.WriteLine((p.Works ? "  ok   " : "  FAIL ") + p);
            if (args.Flag("diff"))
            {
                if (!File.Exists(path)) { Console.Error.WriteLine($"no configuration at {path} to compare"); return Task.FromResult(Program.ExitFailure); }
                var stored = ResponderConfig.Load(path);
                var now = probed.Where(p => p.Works).ToDictionary(p => p.Extension, p => p.Path.Replace('\\', '/'));
                var before = stored.Paths;
                bool drift = false;
                foreach (string ext in now.Keys.Union(before.Keys).OrderBy(e => e, StringComparer.Ordinal))
                {
                    bool had = before.TryGetValue(ext, out string? old), has = now.TryGetValue(ext, out string? current);
                    if (had && has && old == current) continue;
                    drift = true;
                    Console.WriteLine(!had ? $"+ {ext} = {current}" : !has ? $"- {ext} = {old}" : $"~ {ext}: {old} -> {current}");
                }
                if (!drift) Console.WriteLine("no drift: the stored configuration matches this host");
            }
            if (readOnly) return Task.FromResult(0);

            if (File.Exists(path) && !args.Flag("force"))
                throw new OutpostException("ConfigExists", OutpostErrorKind.InvalidOperation, $"{path} already exists; use --force to overwrite it, or --diff to compare", path);
            var config = TargetInitializer.FromProbe(probed, args.Get("name"), args.Int("lanes", 1));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.Write(path, new UTF8Encoding(false).GetBytes(config.Render()));
            Console.WriteLine("wrote " + path);
            return Task.FromResult(0);
        }
    }
}
