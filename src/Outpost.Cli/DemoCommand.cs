using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Client;
using Outpost.Core.Responding;

namespace Outpost.Cli
{
    /// <summary>
    /// <c>outpost demo</c>: the whole loop on this machine. A responder serves a temp folder, a job is
    /// dropped into it, its output and exit code come back, and the responder is stopped.
    /// </summary>
    internal static class DemoCommand
    {
        public const string Usage = "outpost demo [--keep]";

        public static async Task<int> RunAsync(string[] argv)
        {
            var args = Arguments.Parse(argv, new System.Collections.Generic.HashSet<string>(), new System.Collections.Generic.HashSet<string> { "keep" });
            string share = Path.Combine(Path.GetTempPath(), "outpost-demo-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Console.WriteLine($"responder: serving {share} (2 lanes)");
            using var stop = new CancellationTokenSource();
            var responder = new Responder(new ResponderOptions { SharePath = share, LaneCount = 2, Name = "demo" });
            var serving = responder.RunAsync(stop.Token);

            bool windows = HostPlatform.IsWindows;
            string ext = windows ? "cmd" : "sh";
            string script = windows
                ? "@echo off\r\necho hello from %COMPUTERNAME% via outpost\r\necho a line on stderr 1>&2\r\nexit /b 3\r\n"
                : "echo \"hello from $(hostname) via outpost\"\necho 'a line on stderr' >&2\nexit 3\n";
            Console.WriteLine($"submitter: job .{ext}:");
            foreach (string line in script.Split('\n'))
                if (line.Trim().Length > 0) Console.WriteLine("    " + line.TrimEnd('\r'));

            var target = new OutpostTarget(share, "demo");
            var clock = Stopwatch.StartNew();
            var job = target.Submit(JobSubmission.FromText(script, ext));
            var done = await target.WaitAsync(job, TimeSpan.FromSeconds(60));
            clock.Stop();
            var result = done.Result!;
            Console.WriteLine($"result {done.Stem}: exit {result.ExitCode}, round trip {clock.Elapsed.TotalMilliseconds:0} ms");
            Console.WriteLine("stdout: " + Encoding.UTF8.GetString(target.ReadOutput(done, OutputStreamKind.Stdout)).TrimEnd());
            Console.WriteLine("stderr: " + Encoding.UTF8.GetString(target.ReadOutput(done, OutputStreamKind.Stderr)).TrimEnd());

            target.SetSentinel(Outpost.Core.Protocol.Wire.StopSentinel);
            int responderExit = ResponderExitCodes.For(await serving);
            Console.WriteLine($"responder: stopped by STOP, exit {responderExit}");
            if (args.Flag("keep")) Console.WriteLine("share kept at " + share);
            else Directory.Delete(share, recursive: true);
            return result.ExitCode == 3 && responderExit == 0 ? 0 : Program.ExitFailure;
        }
    }
}
