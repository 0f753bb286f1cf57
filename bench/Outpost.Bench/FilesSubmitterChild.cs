using System.Diagnostics;
using System.Globalization;
using Outpost.Core.Client;

namespace Outpost.Bench;

/// <summary>One job's stages as the submitter saw them, in milliseconds.</summary>
internal sealed record FilesTiming(double TotalMs, double SubmitMs, double StageMs, double RunMs, double CollectMs, double ReceiveMs, double PlainMs);

/// <summary>
/// The submitter of the files bench, in a process of its own so its peak memory is its own:
/// <c>--files-submitter &lt;share&gt; &lt;runs&gt; &lt;script&gt; &lt;attach|-&gt; &lt;collect|-&gt; &lt;collectTo|-&gt; &lt;baseline|-&gt;</c>.
/// One warm-up job with a tiny attachment and artifact (JIT on both sides), then <c>runs</c> measured jobs, each
/// right after its baseline (a plain copy of <c>baseline</c> into the share: the pairs see the same disk and load),
/// each printed as a <c>timing</c> line; then the same memory report as the responder child.
/// </summary>
internal static class FilesSubmitterChild
{
    public const string Flag = "--files-submitter";
    private static readonly TimeSpan JobWait = TimeSpan.FromMinutes(20);

    /// <summary>Runs the child to its end; throws with its stderr when it failed.</summary>
    public static async Task<ChildExit> RunAsync(string share, int runs, string script, string? attach, string? collect, string? collectTo,
        string? baseline, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        using var child = ChildProcess.StartWith(new[] { Flag, share, runs.ToString(CultureInfo.InvariantCulture), script, attach ?? "-", collect ?? "-", collectTo ?? "-", baseline ?? "-" }, share);
        var exit = await child.WaitExitAsync(JobWait + JobWait);
        if (exit.ExitCode != 0) throw new InvalidOperationException($"the submitter child exited {exit.ExitCode}: {child.Stderr().Trim()}");
        return exit;
    }

    public static List<FilesTiming> Timings(ChildExit exit)
    {
        var timings = new List<FilesTiming>();
        foreach (string line in exit.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("timing ", StringComparison.Ordinal)))
        {
            var f = line.Split(' ').Skip(1).Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
            timings.Add(new FilesTiming(f["total_ms"], f["submit_ms"], f["stage_ms"], f["run_ms"], f["collect_ms"], f["receive_ms"], f["plain_ms"]));
        }
        if (timings.Count == 0) throw new InvalidOperationException("the submitter child reported no timings: " + exit.Output);
        return timings;
    }

    /// <summary>The child's side.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length != 8)
        {
            Console.Error.WriteLine("usage: " + Flag + " <share> <runs> <script> <attach|-> <collect|-> <collectTo|-> <baseline|->");
            return 2;
        }
        string? Opt(string value) => value == "-" ? null : value;
        var target = new OutpostTarget(args[1], "bench");
        int runs = int.Parse(args[2], CultureInfo.InvariantCulture);
        string warm = Path.Combine(Path.GetTempPath(), "outpost-bench-warm-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(warm);
            File.WriteAllText(Path.Combine(warm, "warm.txt"), "warm\n");
            await OneAsync(target, "cat warm.txt > back.txt\n", Path.Combine(warm, "warm.txt"), "back.txt", Path.Combine(warm, "home"));
        }
        finally { Directory.Delete(warm, recursive: true); }
        string? baseline = Opt(args[7]);
        if (baseline != null) PlainCopy.Ms(baseline, args[1]); // page cache and cp warmed alike for both
        for (int i = 0; i < runs; i++)
        {
            double plainMs = baseline is null ? 0 : PlainCopy.Ms(baseline, args[1]);
            var t = await OneAsync(target, args[3], Opt(args[4]), Opt(args[5]), Opt(args[6]));
            Console.WriteLine(FormattableString.Invariant(
                $"timing total_ms={t.TotalMs:0.0} submit_ms={t.SubmitMs:0.0} stage_ms={t.StageMs:0.0} run_ms={t.RunMs:0.0} collect_ms={t.CollectMs:0.0} receive_ms={t.ReceiveMs:0.0} plain_ms={plainMs:0.0}"));
        }
        ChildModes.ReportSelf();
        return 0;
    }

    private static async Task<FilesTiming> OneAsync(OutpostTarget target, string script, string? attach, string? collect, string? collectTo)
    {
        var submission = JobSubmission.FromText(script, "sh");
        submission.TimeoutSeconds = JobWait.TotalSeconds;
        if (attach != null) submission.Attachments.Add(attach);
        if (collect != null) submission.Collect.Add(collect);
        long t0 = Stopwatch.GetTimestamp();
        var job = target.Submit(submission);
        double submitMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        DateTime submitted = DateTime.UtcNow;
        var done = await target.WaitAsync(job, JobWait);
        DateTime seen = DateTime.UtcNow;
        var result = done.Result ?? throw new InvalidOperationException($"job {job.Stem} has no result");
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"job {job.Stem} exited {result.ExitCode}: {System.Text.Encoding.UTF8.GetString(target.ReadOutput(done, OutputStreamKind.Stderr)).Trim()}");
        long r0 = Stopwatch.GetTimestamp();
        IReadOnlyList<string> received = collectTo is null ? Array.Empty<string>() : ArtifactReceiver.Receive(target, done, collectTo, overwrite: true);
        double receiveMs = Stopwatch.GetElapsedTime(r0).TotalMilliseconds;
        double totalMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (collect != null && received.Count == 0 && collectTo != null) throw new InvalidOperationException($"job {job.Stem} sent no artifacts back");
        foreach (string file in received) File.Delete(file); // disk: the next run (or benchmark) needs the room
        return new FilesTiming(totalMs, submitMs, (result.Started!.Value - submitted).TotalMilliseconds,
            (result.Finished!.Value - result.Started.Value).TotalMilliseconds, (seen - result.Finished.Value).TotalMilliseconds, receiveMs, 0);
    }
}

/// <summary>The baselines: what a user would do instead, into the same share.</summary>
internal static class PlainCopy
{
    /// <summary>
    /// A file: read and written into the share in 1 MiB blocks and fsynced, as a careful copy tool does. A folder:
    /// <c>cp -r</c> (no fsync, as cp does). Removed afterwards; milliseconds.
    /// </summary>
    public static double Ms(string source, string share)
    {
        string target = Path.Combine(share, "plain-copy-" + Guid.NewGuid().ToString("N")[..6]);
        long t0 = Stopwatch.GetTimestamp();
        if (Directory.Exists(source)) RecursiveCopy(source, target);
        else FileCopy(source, target);
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        else File.Delete(target);
        return ms;
    }

    private static void FileCopy(string source, string target)
    {
        using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var to = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = from.Read(buffer, 0, buffer.Length)) > 0) to.Write(buffer, 0, read);
        to.Flush(flushToDisk: true);
    }

    private static void RecursiveCopy(string tree, string target)
    {
        var info = new ProcessStartInfo("cp") { UseShellExecute = false };
        info.ArgumentList.Add("-r");
        info.ArgumentList.Add(tree);
        info.ArgumentList.Add(target);
        using var process = Process.Start(info)!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException("cp -r exited " + process.ExitCode);
    }
}
