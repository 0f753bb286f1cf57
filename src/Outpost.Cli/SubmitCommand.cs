using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Outpost.Core;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Cli
{
    /// <summary>
    /// <c>outpost submit</c>: drop a script (with its attachments), wait, print its stdout/stderr, bring its
    /// artifacts home when asked, exit with its exit code.
    /// </summary>
    internal static class SubmitCommand
    {
        public const string Usage =
            "outpost submit <file|-> --dir <share> [--lane 1] [--ext sh] [--timeout 30s] [--label name] [--env NAME=value]... [--workdir <dir>] [--sign <keyfile>] " +
            "[--attach <file|folder>]... [--collect <glob>]... [--collect-to <dir> [--force]] [--compress] [--wait-timeout 10m] [--no-wait] [--json]\n" +
            "      --attach PATH    send a file or folder with the job (repeatable); the job runs in a private folder that holds them ($OUTPOST_ATTACHMENTS)\n" +
            "      --collect GLOB   bring back files the job makes, relative to its folder (repeatable; * ? and ** as in out/**/*.log)\n" +
            "      --collect-to DIR copy the collected files into DIR once the job ends (waits for it); --force replaces files already there\n" +
            "      --compress       gzip the files on their way (text over a slow share; costs CPU on both sides)";

        public static async Task<int> RunAsync(string[] argv)
        {
            var repeated = ExtractRepeated(argv, "env", "attach", "collect");
            var args = Arguments.Parse(repeated.Others,
                new HashSet<string> { "dir", "target", "targets", "lane", "ext", "timeout", "label", "workdir", "wait-timeout", "sign", "collect-to" },
                new HashSet<string> { "no-wait", "json", "compress", "force" });
            if (args.Flag("help"))
            {
                Console.WriteLine("usage: " + Usage);
                return 0;
            }
            if (args.Positional.Count != 1) throw new UsageException("give exactly one script file, or - for standard input");
            var submission = BuildSubmission(args, repeated.Values["env"]);
            string? collectTo = AddFiles(submission, args, repeated.Values["attach"], repeated.Values["collect"]);

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
            // Artifacts first: a job that failed is often the one whose logs are wanted, and a failure to bring
            // them home is reported (exit 1) after the job's own output either way.
            IReadOnlyList<string> received = Array.Empty<string>();
            OutpostException? receiveFailure = null;
            if (collectTo != null)
            {
                try { received = ArtifactReceiver.Receive(target, finished, collectTo, args.Flag("force")); }
                catch (OutpostException e) { receiveFailure = e; }
            }
            if (args.Flag("json")) WriteJson(target, finished, collectTo == null ? null : received);
            else WriteOutputs(target, finished);
            if (receiveFailure != null) throw receiveFailure;
            if (collectTo == null && finished.Result!.Artifacts > 0)
                Console.Error.WriteLine($"outpost submit: {finished.Result.Artifacts} artifact(s) of job {finished.Stem} stay in the share; bring them home with --collect-to next time");
            return finished.Result!.ExitCode;
        }

        /// <summary>Attachments, patterns to collect and compression; returns the --collect-to folder, if any.</summary>
        private static string? AddFiles(JobSubmission submission, Arguments args, List<string> attach, List<string> collect)
        {
            foreach (string path in attach)
            {
                // Checked here, before the share is touched, so a typo is reported as such whatever the target.
                if (!File.Exists(path) && !Directory.Exists(path)) throw new UsageException($"--attach {path}: no such file or folder");
                submission.Attachments.Add(path);
            }
            foreach (string pattern in collect)
            {
                if (Outpost.Core.Files.Glob.Check(pattern) is string bad) throw new UsageException($"--collect {pattern}: {bad}");
                submission.Collect.Add(pattern);
            }
            submission.CompressFiles = args.Flag("compress");
            if (submission.CompressFiles && attach.Count == 0 && collect.Count == 0)
                throw new UsageException("--compress applies to --attach and --collect files; give one of them");
            string? collectTo = args.Get("collect-to");
            if (collectTo == null)
            {
                if (args.Flag("force")) throw new UsageException("--force applies to --collect-to");
                return null;
            }
            if (collectTo.Length == 0) throw new UsageException("--collect-to needs a folder");
            if (collect.Count == 0) throw new UsageException("--collect-to needs at least one --collect pattern naming the files to bring back");
            if (args.Flag("no-wait")) throw new UsageException("--collect-to waits for the job to end; it cannot go with --no-wait");
            return collectTo;
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

        private static void WriteJson(OutpostTarget target, OutpostJob finished, IReadOnlyList<string>? received)
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
                artifacts = result.Artifacts, received = received,
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

        /// <summary>Takes out the flags that may be given more than once; everything else goes on to <see cref="Arguments"/>.</summary>
        private static (Dictionary<string, List<string>> Values, string[] Others) ExtractRepeated(string[] argv, params string[] flags)
        {
            var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (string flag in flags) values[flag] = new List<string>();
            var rest = new List<string>();
            for (int i = 0; i < argv.Length; i++)
            {
                string a = argv[i];
                if (a == "--") { rest.AddRange(argv.Skip(i)); break; }
                string name = a.TrimStart('-');
                int eq = name.IndexOf('=');
                string flagName = eq >= 0 ? name.Substring(0, eq) : name;
                if (a.Length < 2 || a[0] != '-' || !values.TryGetValue(flagName, out var list)) { rest.Add(a); continue; }
                if (eq >= 0) list.Add(name.Substring(eq + 1));
                else if (i + 1 >= argv.Length) throw new UsageException($"--{flagName} needs a value");
                else list.Add(argv[++i]);
            }
            return (values, rest.ToArray());
        }
    }
}
