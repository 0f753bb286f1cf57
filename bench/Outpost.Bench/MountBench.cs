using System.Diagnostics;
using System.Globalization;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Tests.FileSystems;

namespace Outpost.Bench;

/// <summary>
/// P7: the round trip over a real network mount, where change notifications never report the other
/// host's writes: sshfs on loopback, set up by the bench (see <see cref="LoopbackSshfs"/>). Two
/// layouts, each against the original Go outpost on the same mount:
/// (a) the responder serves the mount, the submitter writes on the server side (Outpost's library,
///     the same submitter for both responders, so the figure is the responder's);
/// (b) the submitter waits on the mount (Outpost's library vs the Go CLI), the responder (Outpost on
///     the server side for both) answers on a local disk.
/// Arrivals: busy (a job every 0-2.5 s) and sparse (every 4-8 s: an idle target, the usual admin case).
/// </summary>
internal static class MountBench
{
    private const string Bench = "mount";
    private const double GoalMs = 300;
    private const string Trivial = "exit 0\n";
    private static readonly TimeSpan JobWait = TimeSpan.FromSeconds(60);

    public static readonly Benchmark Definition = new(Bench,
        "P7: round trip over a real sshfs mount (no notifications cross it), busy and sparse arrivals, vs the Go original", RunAsync);

    private sealed record Pattern(string Name, double MinGapS, double MaxGapS);

    private static readonly Pattern Busy = new("busy (a job every 0-2.5 s)", 0, 2.5);
    private static readonly Pattern Sparse = new("sparse (a job every 4-8 s)", 4, 8);

    private static async Task RunAsync(BenchRun run, Report report)
    {
        var mount = LoopbackSshfs.TryStart(out string whyNot, countRequests: true);
        if (mount == null)
        {
            report.Info(Bench, "P7 over an sshfs mount", "skipped: " + whyNot);
            return;
        }
        // SIGTERM skips the using below: unmount and stop sshd/sshfs then too.
        EventHandler onExit = (_, _) => mount.Dispose();
        AppDomain.CurrentDomain.ProcessExit += onExit;
        using (mount)
        {
            string? go = GoPeer(out string goWhy);
            if (go == null) report.Note("mount: no Go comparison: " + goWhy);
            report.Note($"mount: sshfs -o {LoopbackSshfs.MountOptions} over {mount.Transport}; " +
                        "sshfs' default dir_cache keeps listings and attributes 20 s, which no poller can beat (see docs/performance.md).");
            int arrivals = run.Quick ? 8 : 20;
            await ResponderOnMountAsync(run, report, mount, go, arrivals);
            await SubmitterOnMountAsync(run, report, mount, go, arrivals);
        }
        AppDomain.CurrentDomain.ProcessExit -= onExit;
    }

    // ------------------------------------------------------------------ (a) the responder on the mount

    private static async Task ResponderOnMountAsync(BenchRun run, Report report, LoopbackSshfs mount, string? go, int arrivals)
    {
        string ours = "a-outpost", theirs = "a-go";
        using var outpost = ChildProcess.StartResponder(Path.Combine(mount.MountPath, ours), lanes: 1);
        await outpost.WaitReadyAsync(run.Cancel);
        var ourTarget = new OutpostTarget(Path.Combine(mount.ServerPath, ours), "outpost");
        await WarmUpAsync(ourTarget, run.Cancel);
        var advertised = DispatchInfo.Parse(File.ReadAllBytes(Path.Combine(ourTarget.Path, Wire.InboxDir, Wire.DispatchFile)));
        double ourIdle = await IdleRequestsPerSecondAsync(mount, run);
        report.Info(Bench, "(a) idle Outpost responder on the mount: SFTP requests/s, 1 lane", Fmt.Rate(ourIdle, "req"),
            $"share_fs={advertised.ShareFs}, share_watch={advertised.ShareWatch}");

        using var goResponder = go != null ? StartGo(go, Path.Combine(mount.MountPath, theirs)) : null;
        OutpostTarget? goTarget = null;
        if (goResponder != null)
        {
            goTarget = new OutpostTarget(Path.Combine(mount.ServerPath, theirs), "go");
            await WaitForAdvertisementAsync(goTarget, goResponder, run.Cancel);
            await WarmUpAsync(goTarget, run.Cancel);
            double both = await IdleRequestsPerSecondAsync(mount, run);
            report.Info(Bench, "(a) idle Go responder on the mount: SFTP requests/s, 1 lane", Fmt.Rate(Math.Max(0, both - ourIdle), "req"),
                "(both idle, minus Outpost's)");
        }

        foreach (var pattern in new[] { Busy, Sparse })
        {
            // Both responders at once, each with its own arrivals (the same random series): half the wall time.
            var stages = new List<Stages>();
            var ourRun = ArrivalsAsync(pattern, arrivals, 7, () => RoundTripAsync(ourTarget, run.Cancel, stages), run.Cancel);
            var goRun = goTarget != null ? ArrivalsAsync(pattern, arrivals, 7, () => RoundTripAsync(goTarget, run.Cancel), run.Cancel) : null;
            var ourStats = new Stats(await ourRun);
            Stats? goStats = goRun != null ? new Stats(await goRun) : null;
            Judge(report, $"(a) responder on the mount, submitter on the server side, {pattern.Name}: median of {arrivals}", ourStats, goStats);
            ReportStages(report, $"(a) {pattern.Name.Split(' ')[0]}, Outpost", stages);
        }
        await outpost.StopAsync();
        if (goResponder != null) await StopGoAsync(goResponder, goTarget!);
    }

    // ------------------------------------------------------------------ (b) the submitter on the mount

    private static async Task SubmitterOnMountAsync(BenchRun run, Report report, LoopbackSshfs mount, string? go, int arrivals)
    {
        string share = "b-share";
        using var responder = ChildProcess.StartResponder(Path.Combine(mount.ServerPath, share), lanes: 1);
        await responder.WaitReadyAsync(run.Cancel);
        var onMount = new OutpostTarget(Path.Combine(mount.MountPath, share), "outpost-on-mount");
        await WarmUpAsync(onMount, run.Cancel);
        string script = Path.Combine(run.NewFolder("mount-go-submit"), "job.sh");
        File.WriteAllText(script, Trivial);
        if (go != null)
            for (int i = 0; i < 3; i++) await GoSubmitAsync(go, onMount.Path, script, run.Cancel);
        foreach (var pattern in new[] { Busy, Sparse })
        {
            // One after the other here: both submitters feed the same responder.
            var stages = new List<Stages>();
            var ourStats = new Stats(await ArrivalsAsync(pattern, arrivals, 11, () => RoundTripAsync(onMount, run.Cancel, stages), run.Cancel));
            Stats? goStats = go != null
                ? new Stats(await ArrivalsAsync(pattern, arrivals, 11, () => GoSubmitAsync(go, onMount.Path, script, run.Cancel), run.Cancel))
                : null;
            Judge(report, $"(b) submitter on the mount, Outpost responder on the server side, {pattern.Name}: median of {arrivals}", ourStats, goStats);
            ReportStages(report, $"(b) {pattern.Name.Split(' ')[0]}, Outpost", stages);
        }
        await responder.StopAsync();
    }

    // ------------------------------------------------------------------ measuring

    private static void Judge(Report report, string what, Stats ours, Stats? go)
    {
        string figure = $"{Fmt.Ms(ours.Median)} (p95 {Fmt.Ms(ours.P95)})";
        if (go == null)
        {
            report.Check(Bench, what, figure, "no Go peer", "—", $"≤ {GoalMs:0} ms", ours.Median <= GoalMs);
            return;
        }
        double limit = Math.Min(GoalMs, go.Median / 3);
        report.Check(Bench, what, figure, $"Go {Fmt.Ms(go.Median)} (p95 {Fmt.Ms(go.P95)})", Fmt.Ratio(ours.Median, go.Median),
            $"≤ {GoalMs:0} ms and ≤ ⅓ Go = {Fmt.Ms(limit)}", ours.Median <= limit);
    }

    /// <summary>Runs <paramref name="count"/> round trips, each after an idle gap drawn from the pattern.</summary>
    private static async Task<List<double>> ArrivalsAsync(Pattern pattern, int count, int seed, Func<Task<double>> roundTrip, CancellationToken cancel)
    {
        var random = new Random(seed);
        var samples = new List<double>();
        for (int i = 0; i < count; i++)
        {
            double gap = pattern.MinGapS + random.NextDouble() * (pattern.MaxGapS - pattern.MinGapS);
            await Task.Delay(TimeSpan.FromSeconds(gap), cancel);
            samples.Add(await roundTrip());
        }
        return samples;
    }

    private static async Task<double> RoundTripAsync(OutpostTarget target, CancellationToken cancel, List<Stages>? stages = null)
    {
        long t0 = Stopwatch.GetTimestamp();
        DateTime submitted = DateTime.UtcNow;
        var job = target.Submit(JobSubmission.FromText(Trivial, "sh"));
        double submitMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        var done = await target.WaitAsync(job, JobWait, cancel);
        double total = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        DateTime seen = DateTime.UtcNow;
        var result = done.Result;
        if (result?.ExitCode != 0) throw new InvalidOperationException($"job {job.Stem} on {target.Name} did not succeed");
        if (stages != null && result.Started.HasValue && result.Finished.HasValue)
            stages.Add(new Stages(submitMs, (result.Started.Value - submitted).TotalMilliseconds,
                (result.Finished.Value - result.Started.Value).TotalMilliseconds, (seen - result.Finished.Value).TotalMilliseconds));
        return total;
    }

    /// <summary>Where one round trip's time went (one host's clock: the responder's stamps and ours agree).</summary>
    private sealed record Stages(double SubmitMs, double PickupMs, double RunMs, double SeenMs);

    private static void ReportStages(Report report, string what, List<Stages> stages)
    {
        if (stages.Count == 0) return;
        double Median(Func<Stages, double> pick) => new Stats(stages.Select(pick)).Median;
        report.Info(Bench, what + ": medians of submit / submit-to-start / run / finish-to-seen",
            $"{Fmt.Ms(Median(s => s.SubmitMs))} / {Fmt.Ms(Median(s => s.PickupMs))} / {Fmt.Ms(Median(s => s.RunMs))} / {Fmt.Ms(Median(s => s.SeenMs))}");
    }

    private static async Task WarmUpAsync(OutpostTarget target, CancellationToken cancel)
    {
        for (int i = 0; i < 3; i++) await RoundTripAsync(target, cancel);
    }

    /// <summary>SFTP requests per second the server answered while nothing but idle responders used the mount.</summary>
    private static async Task<double> IdleRequestsPerSecondAsync(LoopbackSshfs mount, BenchRun run)
    {
        await Task.Delay(TimeSpan.FromSeconds(4), run.Cancel); // past any fast-poll window after the warm-up
        TimeSpan window = TimeSpan.FromSeconds(run.Quick ? 5 : 10);
        long before = mount.RequestCount();
        var clock = Stopwatch.StartNew();
        await Task.Delay(window, run.Cancel);
        long after = mount.RequestCount();
        return (after - before) / clock.Elapsed.TotalSeconds;
    }

    // ------------------------------------------------------------------ the Go peer

    private static string? GoPeer(out string whyNot)
    {
        string path = Environment.GetEnvironmentVariable("OUTPOST_GO_PEER") is { Length: > 0 } set ? set : "/opt/go-outpost/bin/outpost";
        whyNot = File.Exists(path) ? "" : $"no Go outpost at {path} (set OUTPOST_GO_PEER)";
        return File.Exists(path) ? path : null;
    }

    private static Process StartGo(string go, string share)
    {
        Directory.CreateDirectory(share);
        var info = new ProcessStartInfo(go) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "run", "--dir", share, "--name", "bench-go", "--lanes", "1" }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + go);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Children.Add(process);
        return process;
    }

    private static async Task WaitForAdvertisementAsync(OutpostTarget target, Process go, CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(Path.Combine(target.Path, Wire.InboxDir, "1", Wire.StatusFile)))
        {
            if (go.HasExited) throw new InvalidOperationException($"the Go responder exited {go.ExitCode} before it was ready");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the Go responder did not advertise within 30 s");
            await Task.Delay(50, cancel);
        }
    }

    private static async Task StopGoAsync(Process go, OutpostTarget target)
    {
        target.SetSentinel(Wire.StopSentinel);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try { await go.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { go.Kill(entireProcessTree: true); }
        Children.Remove(go);
    }

    /// <summary>The Go CLI's submit-and-wait, as a user runs it: the whole process, start to exit.</summary>
    private static async Task<double> GoSubmitAsync(string go, string share, string script, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(go) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "submit", script, "--dir", share }) info.ArgumentList.Add(arg);
        long t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start " + go);
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        string stderr = await process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        await stdout;
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"Go submit exited {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {stderr.Trim()}");
        return ms;
    }
}
