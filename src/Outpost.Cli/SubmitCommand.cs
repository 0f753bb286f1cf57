using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Cli
{
    /// <summary><c>outpost submit</c>: drop a script, wait, print its stdout/stderr, exit with its exit code.</summary>
    internal static class SubmitCommand
    {
        public const string Usage =
            "outpost submit <file|-> --dir <share> [--lane 1] [--ext sh] [--timeout 30s] [--label name] [--env NAME=value]... [--workdir <dir>] [--sign <keyfile>] [--wait-timeout 10m] [--no-wait] [--json]";

        public static async Task<int> RunAsync(string[] argv)
        {
            var (env, rest) = ExtractRepeated(argv, "env");
            var args = Arguments.Parse(rest,
                new HashSet<string> { "dir", "target", "targets", "lane", "ext", "timeout", "label", "workdir", "wait-timeout", "sign" },
                new HashSet<string> { "no-wait", "json" });
            if (args.Positional.Count != 1) throw new UsageException("give exactly one script file, or - for standard input");
            var submission = BuildSubmission(args, env);

            var target = Program.TargetFrom(args);
            if (ServedExtensions.Check(target, submission.Extension) is string notice)
                Console.Error.WriteLine("outpost submit: warning: " + notice);
            var job = target.Submit(submission);
            if (args.Flag("no-wait"))
            {
                Console.WriteLine(args.Flag("json") ? JsonSerializer.Serialize(new { stem = job.Stem, lane = job.Lane, path = job.Path }) : job.Stem);
                return 0;
            }
            TimeSpan? waitTimeout = args.Has("wait-timeout") ? args.Duration("wait-timeout", TimeSpan.Zero) : null;
            var finished = await target.WaitAsync(job, waitTimeout);
            if (args.Flag("json")) WriteJson(target, finished);
            else WriteOutputs(target, finished);
            return finished.Result!.ExitCode;
        }

        /// <summary>The script (a file, or standard input with --ext) and every option that shapes the job.</summary>
        private static JobSubmission BuildSubmission(Arguments args, List<string> env)
        {
            string source = args.Positional[0];
            string? ext = args.Get("ext")?.TrimStart('.');
            byte[] content;
            if (source == "-")
            {
                if (ext == null) throw new UsageException("--ext is required when the script comes from standard input");
                using var stdin = Console.OpenStandardInput();
                using var copy = new MemoryStream();
                stdin.CopyTo(copy);
                content = copy.ToArray();
            }
            else
            {
                if (!File.Exists(source)) throw new UsageException($"no such file: {source}");
                content = File.ReadAllBytes(source);
                ext ??= Path.GetExtension(source).TrimStart('.');
                if (ext.Length == 0) throw new UsageException($"{source} has no extension; say which interpreter with --ext");
            }
            var submission = new JobSubmission(content, ext)
            {
                Lane = args.Int("lane", 1),
                Label = args.Get("label"),
                WorkingDirectory = args.Get("workdir"),
            };
            // The same .key files and signatures as Submit-OutpostJob -SigningKey (a .sig sidecar written first).
            if (args.Get("sign") is string keyFile)
            {
                var key = Outpost.Core.Trust.OutpostKey.Load(Path.GetFullPath(keyFile));
                if (!key.HasPrivateKey) throw new UsageException($"--sign needs the private key file (.key) that outpost key new wrote, not the public key {keyFile}");
                submission.SigningKey = key;
            }
            if (args.Has("timeout")) submission.TimeoutSeconds = args.Duration("timeout", TimeSpan.Zero).TotalSeconds;
            foreach (string pair in env)
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0) throw new UsageException($"--env expects NAME=value, got \"{pair}\"");
                submission.Environment[pair.Substring(0, eq)] = pair.Substring(eq + 1);
            }
            return submission;
        }

        private static void WriteJson(OutpostTarget target, OutpostJob finished)
        {
            var result = finished.Result!;
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                stem = result.Stem, lane = result.Lane, ext = result.Extension, exit = result.ExitCode,
                timeout = result.TimedOut, cancelled = result.Cancelled,
                started = ProtocolTime.ToWire(result.Started), finished = ProtocolTime.ToWire(result.Finished),
                stdout = System.Text.Encoding.UTF8.GetString(target.ReadOutput(finished, OutputStreamKind.Stdout)),
                stderr = System.Text.Encoding.UTF8.GetString(target.ReadOutput(finished, OutputStreamKind.Stderr)),
                stdout_truncated = result.StdoutTruncated, stderr_truncated = result.StderrTruncated,
                truncated_reason = result.TruncatedReason,
            }));
        }

        /// <summary>Raw bytes, not text: the job's output passes through unchanged, whatever its encoding.</summary>
        private static void WriteOutputs(OutpostTarget target, OutpostJob finished)
        {
            using (var stdout = Console.OpenStandardOutput())
            using (var output = target.OpenOutput(finished, OutputStreamKind.Stdout))
                output.CopyTo(stdout);
            using (var stderr = Console.OpenStandardError())
            using (var output = target.OpenOutput(finished, OutputStreamKind.Stderr))
                output.CopyTo(stderr);
            if (finished.Result!.TruncatedReason.Length > 0)
                Console.Error.WriteLine("outpost submit: the output is truncated: " + finished.Result.TruncatedReason);
        }

        private static (List<string> Values, string[] Others) ExtractRepeated(string[] argv, string flag)
        {
            var values = new List<string>();
            var rest = new List<string>();
            for (int i = 0; i < argv.Length; i++)
            {
                string a = argv[i];
                if (a == "--" + flag || a == "-" + flag)
                {
                    if (i + 1 >= argv.Length) throw new UsageException($"--{flag} needs a value");
                    values.Add(argv[++i]);
                }
                else if (a.StartsWith("--" + flag + "=", StringComparison.Ordinal)) values.Add(a.Substring(flag.Length + 3));
                else rest.Add(a);
            }
            return (values, rest.ToArray());
        }
    }
}
