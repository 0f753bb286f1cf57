using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Config;
using Outpost.Core.Files;

namespace Outpost.Cli
{
    /// <summary>
    /// <c>outpost cp</c>: scp-like copies through a target's shared folder, <c>target:path</c> naming the remote
    /// side, with Copy-OutpostItem's rules (the same <see cref="RemoteCopy"/> underneath).
    /// </summary>
    internal static class CopyCommand
    {
        public const string Usage = "outpost cp [-r] [-f] [--timeout 10m] [--sign <keyfile>] [--targets <targets.toml>] <source>... <destination>   (one side is target:path)";

        private const string Help = @"Copies files and folders to or from a target through its shared folder.

  outpost cp ./setup.msi win-vm:'C:\Temp'          a file into a folder on the target
  outpost cp -r ./src build-vm:/home/ci/src        a folder (and all it holds)
  outpost cp build-vm:/var/log/app/*.log ./logs/   the files a wildcard matches, into a local folder

The remote side is <target>:<path>, <target> a name from targets.toml (--targets, or OUTPOST_TARGETS);
exactly one side is remote. A local path with a drive letter (C:\x) is local. A relative path on the
target (and a bare ""target:"") is relative to the folder its jobs run in. When the destination is an existing folder the items
go inside it; otherwise the one item becomes the destination.

  -r, --recursive   copy folders with their contents (a folder without it is an error)
  -f, --force       replace files that exist (without it, nothing is replaced and the copy is refused)
  --timeout 10m     how long to wait for the target; the copy is cancelled there when it runs out
  --sign ci.key     sign the copy's jobs (for a responder that requires signatures)
  --targets FILE    the targets.toml to read

Exit status: 0 copied; 1 the copy failed (the reason on stderr); 2 usage; 74 the share is unreachable.";

        public static async Task<int> RunAsync(string[] argv)
        {
            var args = Arguments.Parse(SplitShortFlags(argv), new HashSet<string> { "timeout", "targets", "sign" }, new HashSet<string> { "r", "recursive", "R", "f", "force" });
            if (args.Has("help"))
            {
                Console.WriteLine("usage: " + Usage);
                Console.WriteLine();
                Console.WriteLine(Help);
                return 0;
            }
            if (args.Positional.Count < 2) throw new UsageException("give at least one source and a destination");
            var ends = args.Positional.Select(CopyEndpoint.Parse).ToList();
            var destination = ends[ends.Count - 1];
            var sources = ends.Take(ends.Count - 1).ToList();
            if (destination.IsRemote == sources.Any(s => s.IsRemote) || sources.Any(s => s.IsRemote != sources[0].IsRemote))
                throw new UsageException("exactly one side must be remote (target:path): the sources, or the destination");
            string name = destination.IsRemote ? destination.Target! : sources[0].Target!;
            if (sources.Any(s => s.IsRemote && s.Target != name)) throw new UsageException("all remote sources must be on one target");

            var registry = TargetRegistry.Load(ConfigPaths.TargetsFile(args.Get("targets")));
            foreach (string warning in registry.Warnings) Console.Error.WriteLine("outpost: warning: " + warning);
            var target = OutpostTarget.FromEntry(registry.Resolve(name));
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = !cancel.IsCancellationRequested; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                var options = Options(args, cancel.Token);
                return await Task.Run(() => destination.IsRemote
                    ? Send(target, sources.Select(s => s.Path).ToList(), destination.Path, options)
                    : Fetch(target, sources.Select(s => s.Path).ToList(), destination.Path, options));
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                ProgressLine.Clear();
            }
        }

        /// <summary>-rf as -r -f, as cp takes it.</summary>
        private static IReadOnlyList<string> SplitShortFlags(string[] argv)
        {
            var split = new List<string>();
            for (int i = 0; i < argv.Length; i++)
            {
                string a = argv[i];
                if (a == "--") { split.AddRange(argv.Skip(i)); break; }
                if (a.Length > 2 && a[0] == '-' && a[1] != '-' && a.Skip(1).All(c => c == 'r' || c == 'R' || c == 'f')) split.AddRange(a.Skip(1).Select(c => "-" + c));
                else split.Add(a);
            }
            return split;
        }

        private static RemoteCopyOptions Options(Arguments args, CancellationToken cancel) => new RemoteCopyOptions
        {
            Recurse = args.Flag("r") || args.Flag("R") || args.Flag("recursive"),
            Force = args.Flag("f") || args.Flag("force"),
            Timeout = args.Has("timeout") ? args.Duration("timeout", TimeSpan.Zero) : (TimeSpan?)null,
            Progress = ProgressLine.Show,
            Cancel = cancel,
            SigningKey = args.Get("sign") is string keyFile ? Outpost.Core.Trust.OutpostKey.Load(Path.GetFullPath(keyFile)) : null,
        };

        private static int Send(OutpostTarget target, IReadOnlyList<string> sources, string destination, RemoteCopyOptions options)
        {
            try { RemoteCopy.ToTarget(target, sources, destination, options); }
            catch (OutpostException e) when (e.Kind != OutpostErrorKind.ConnectionError) { return Report(e); }
            return 0;
        }

        /// <summary>Each remote source is its own job; one that fails is reported and the rest still go.</summary>
        private static int Fetch(OutpostTarget target, IReadOnlyList<string> sources, string destination, RemoteCopyOptions options)
        {
            int exit = 0;
            foreach (string source in sources)
            {
                try { RemoteCopy.FromTarget(target, source, destination, options); }
                catch (OutpostException e) when (e.Kind != OutpostErrorKind.ConnectionError) { exit = Report(e); }
            }
            return exit;
        }

        /// <summary>The Core messages name the cmdlet's switches; here they are the flags.</summary>
        private static int Report(OutpostException e)
        {
            ProgressLine.Clear();
            string message = e.Message.Replace("-Recurse", "-r").Replace("-Force", "-f").Replace("-TimeoutSec / --timeout", "--timeout");
            Console.Error.WriteLine("outpost cp: " + message);
            return Program.ExitFailure;
        }

        /// <summary>One line on a terminal's stderr, rewritten as bytes move; nothing when stderr is redirected.</summary>
        private static class ProgressLine
        {
            private static DateTime _last;
            private static bool _shown;

            public static void Show(TransferProgress p)
            {
                if (Console.IsErrorRedirected || DateTime.UtcNow - _last < TimeSpan.FromMilliseconds(250) && p.BytesDone < p.BytesTotal) return;
                _last = DateTime.UtcNow;
                _shown = true;
                long percent = p.BytesTotal > 0 ? p.BytesDone * 100 / p.BytesTotal : 100;
                Console.Error.Write($"\r{p.Activity}: {percent,3}% of {p.BytesTotal / 1048576.0:0.0} MiB\u001b[K");
            }

            public static void Clear()
            {
                if (!_shown) return;
                _shown = false;
                Console.Error.Write("\r\u001b[K");
            }
        }
    }

    /// <summary>One side of a copy: a local path, or <c>target:path</c>.</summary>
    internal sealed class CopyEndpoint
    {
        private CopyEndpoint(string? target, string path)
        {
            Target = target;
            Path = path;
        }

        /// <summary>The target's name; null for a local path.</summary>
        public string? Target { get; }
        public string Path { get; }
        public bool IsRemote => Target != null;

        /// <summary>
        /// <c>name:path</c> with a valid target name is remote; anything else is local. A drive letter is never
        /// a target: <c>c:\x</c> is local everywhere, <c>c:/x</c> on Windows (where it is a path).
        /// </summary>
        public static CopyEndpoint Parse(string argument)
        {
            int colon = argument.IndexOf(':');
            if (colon <= 0) return new CopyEndpoint(null, argument);
            string name = argument.Substring(0, colon);
            string rest = argument.Substring(colon + 1);
            if (!TargetRegistry.IsValidName(name)) return new CopyEndpoint(null, argument);
            bool drive = name.Length == 1 && char.IsLetter(name[0]) &&
                         (rest.StartsWith("\\", StringComparison.Ordinal) || rest.StartsWith("/", StringComparison.Ordinal) && System.IO.Path.DirectorySeparatorChar == '\\');
            if (drive) return new CopyEndpoint(null, argument);
            // As scp's "host:", a bare "target:" is the folder the target's jobs run in.
            return new CopyEndpoint(name, rest.Length == 0 ? "." : rest);
        }
    }
}
