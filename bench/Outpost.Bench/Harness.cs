using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Outpost.Bench;

/// <summary>Command-line options of the bench (the hidden child modes are parsed in <see cref="ChildModes"/>).</summary>
internal sealed class BenchOptions
{
    public const string Usage =
        "usage: Outpost.Bench [--quick] [--only <name>[,<name>...]] [--out <file.md>]\n" +
        "  --quick   smaller counts (fewer runs, 200 instead of 1,000 jobs, 2,000 instead of 10,000 queued, 10 s idle, 256 MiB instead of 1 GiB files)\n" +
        "  --only    run only these benchmarks: " + "roundtrip, polling, throughput, depth, output, idle, probe, mount, remoting, files\n" +
        "  --out     also write the machine header and the table as Markdown to this file";

    public static readonly string[] Names = { "roundtrip", "polling", "throughput", "depth", "output", "idle", "probe", "mount", "remoting", "files" };

    public bool Quick { get; private set; }
    public bool Help { get; private set; }
    public string? OutFile { get; private set; }
    public HashSet<string> Only { get; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Selected(string name) => Only.Count == 0 || Only.Contains(name);

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": options.Quick = true; break;
                case "-h":
                case "--help": options.Help = true; break;
                case "--only":
                    if (++i >= args.Length) throw new ArgumentException("--only needs a benchmark name");
                    foreach (string name in args[i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
                            throw new ArgumentException($"unknown benchmark \"{name}\" (known: {string.Join(", ", Names)})");
                        options.Only.Add(name);
                    }
                    break;
                case "--out":
                    if (++i >= args.Length) throw new ArgumentException("--out needs a file name");
                    options.OutFile = args[i];
                    break;
                default: throw new ArgumentException($"unknown argument \"{args[i]}\"");
            }
        }
        return options;
    }
}

/// <summary>One bench run: its options, its cancellation, and the temp folder everything lives in.</summary>
internal sealed class BenchRun : IDisposable
{
    public BenchRun(BenchOptions options, CancellationToken cancel)
    {
        Options = options;
        Cancel = cancel;
        TempRoot = Path.Combine(Path.GetTempPath(), "outpost-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(TempRoot);
    }

    public BenchOptions Options { get; }
    public bool Quick => Options.Quick;
    public CancellationToken Cancel { get; }
    public string TempRoot { get; }

    /// <summary>A fresh, empty folder under the run's temp root.</summary>
    public string NewFolder(string name)
    {
        string path = Path.Combine(TempRoot, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes a folder made by <see cref="NewFolder"/> as soon as a benchmark is done with it (disk, inode churn).</summary>
    public static void DeleteFolder(string path)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException) { Thread.Sleep(200); }
            catch (UnauthorizedAccessException) { Thread.Sleep(200); }
        }
    }

    public static void Progress(string text) => Console.WriteLine("   " + text);

    private int _disposed;

    /// <summary>Stops every child and deletes the temp root; safe to call twice (Ctrl+C unwinding, then process exit).</summary>
    public void Dispose()
    {
        Children.KillAll();
        if (Interlocked.Exchange(ref _disposed, 1) == 0) DeleteFolder(TempRoot);
    }
}

/// <summary>Median and percentiles of a sample (linear interpolation between order statistics).</summary>
internal sealed class Stats
{
    private readonly double[] _sorted;

    public Stats(IEnumerable<double> samples)
    {
        _sorted = samples.OrderBy(x => x).ToArray();
        if (_sorted.Length == 0) throw new ArgumentException("no samples");
    }

    public int Count => _sorted.Length;
    public double Median => Percentile(50);
    public double P95 => Percentile(95);
    public double Min => _sorted[0];
    public double Max => _sorted[^1];
    public double Mean => _sorted.Average();

    public double Percentile(double p)
    {
        double rank = p / 100.0 * (_sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = Math.Min(low + 1, _sorted.Length - 1);
        return _sorted[low] + (_sorted[high] - _sorted[low]) * (rank - low);
    }
}

/// <summary>Direct process spawning: the baseline every dispatch figure is held against.</summary>
internal static class Spawn
{
    private static ProcessStartInfo TrueInfo()
    {
        var info = new ProcessStartInfo("sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("true");
        return info;
    }

    /// <summary><c>sh -c true</c>: Process.Start + WaitForExit, in milliseconds.</summary>
    public static double TrueOnceMs()
    {
        var info = TrueInfo();
        long t0 = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start sh");
        process.WaitForExit();
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException("sh -c true exited " + process.ExitCode);
        return ms;
    }

    /// <summary>
    /// A trivial job launched the way SubprocessDispatcher launches one, without the rest of Outpost: empty
    /// output files created, the script written (0600), <c>[setsid -w] sh script</c> with stdin, stdout and
    /// stderr piped, stdin closed, both outputs copied to files (64 KiB reads), exit awaited through the
    /// Exited event, outputs optionally fsynced, script deleted. Milliseconds.
    /// </summary>
    public static async Task<double> DispatcherStyleOnceMs(string folder, bool setsid, bool fsync)
    {
        string script = Path.Combine(folder, "bench-job.sh");
        string stdoutPath = Path.Combine(folder, "bench-job.stdout");
        string stderrPath = Path.Combine(folder, "bench-job.stderr");
        long t0 = Stopwatch.GetTimestamp();
        File.WriteAllBytes(stdoutPath, Array.Empty<byte>());
        File.WriteAllBytes(stderrPath, Array.Empty<byte>());
        using (var file = new FileStream(script, FileMode.Create, FileAccess.Write, FileShare.Read))
            file.Write("exit 0\n"u8);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var info = new ProcessStartInfo(setsid ? "/usr/bin/setsid" : "/usr/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        if (setsid)
        {
            info.ArgumentList.Add("-w");
            info.ArgumentList.Add("/usr/bin/sh");
        }
        info.ArgumentList.Add(script);
        using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.Start();
        process.StandardInput.Close();
        if (process.HasExited) exited.TrySetResult();
        var copyOut = CopyToFileAsync(process.StandardOutput.BaseStream, stdoutPath, fsync);
        var copyErr = CopyToFileAsync(process.StandardError.BaseStream, stderrPath, fsync);
        await Task.WhenAll(exited.Task, copyOut, copyErr).ConfigureAwait(false);
        File.Delete(script);
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (process.ExitCode != 0) throw new InvalidOperationException("dispatcher-style job exited " + process.ExitCode);
        return ms;
    }

    private static async Task CopyToFileAsync(Stream source, string path, bool fsync)
    {
        var buffer = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: false);
        int read;
        while ((read = await source.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0) file.Write(buffer, 0, read);
        file.Flush(flushToDisk: fsync);
    }

    /// <summary>Spawns <c>sh -c true</c> <paramref name="count"/> times over <paramref name="parallel"/> threads; processes per second.</summary>
    public static double Rate(int count, int parallel)
    {
        for (int i = 0; i < 10; i++) TrueOnceMs(); // warm-up
        var threads = new List<Thread>();
        long t0 = Stopwatch.GetTimestamp();
        for (int t = 0; t < parallel; t++)
        {
            int share = count / parallel + (t < count % parallel ? 1 : 0);
            var thread = new Thread(() => { for (int i = 0; i < share; i++) TrueOnceMs(); });
            threads.Add(thread);
            thread.Start();
        }
        foreach (var thread in threads) thread.Join();
        return count / Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }
}

/// <summary>Reads /proc figures (Linux); zero elsewhere.</summary>
internal static class ProcFs
{
    /// <summary>A "Key:  N kB" line of /proc/&lt;pid&gt;/status, in KiB; 0 when unavailable.</summary>
    public static long StatusKb(string pid, string key)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(key + ":", StringComparison.Ordinal)) continue;
                string value = line[(key.Length + 1)..].Trim();
                int space = value.IndexOf(' ');
                return long.Parse(space > 0 ? value[..space] : value, CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException) { }
        return 0;
    }

    public static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return "n/a"; }
    }
}

/// <summary>The machine a run happened on, printed at the top of the report.</summary>
internal sealed class MachineInfo
{
    public string Cpu { get; private init; } = "unknown";
    public int Cores { get; private init; }
    public string Os { get; private init; } = "";
    public string Dotnet { get; private init; } = "";
    public string Memory { get; private init; } = "";
    public string TempFileSystem { get; private init; } = "";
    public string LoadAtStart { get; private init; } = "";
    public string Engine { get; private init; } = "";
    public DateTime DateUtc { get; private init; }

    public static MachineInfo Collect(string tempRoot)
    {
        string cpu = "unknown";
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        string distro = "";
        try
        {
            string? pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty != null) distro = pretty["PRETTY_NAME=".Length..].Trim('"') + ", ";
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }

        string memory = "";
        try
        {
            string? total = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (total != null)
            {
                long kb = long.Parse(total["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                memory = $"{kb / 1024.0 / 1024.0:0.0} GiB";
            }
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException) { }

        return new MachineInfo
        {
            Cpu = cpu,
            Cores = Environment.ProcessorCount,
            Os = distro + Kernel() + " " + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            Dotnet = RuntimeInformation.FrameworkDescription,
            Memory = memory,
            TempFileSystem = DescribeFileSystem(tempRoot),
            LoadAtStart = ProcFs.LoadAverage(),
            Engine = DescribeEngine(),
            DateUtc = DateTime.UtcNow,
        };
    }

    /// <summary>"Linux 6.1.0" from /proc (OSDescription repeats the distribution name on Linux).</summary>
    private static string Kernel()
    {
        try { return "Linux " + File.ReadAllText("/proc/sys/kernel/osrelease").Trim(); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return RuntimeInformation.OSDescription; }
    }

    /// <summary>The commit the bench (and so Outpost.Core) was built from, stamped by the project file.</summary>
    private static string DescribeEngine()
    {
        var metadata = typeof(MachineInfo).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value ?? "");
        string commit = metadata.TryGetValue("OutpostCommit", out var c) && c.Length > 0 ? "commit " + c : "commit unknown";
        bool dirty = metadata.ContainsKey("OutpostSrcDirty");
        return $"Outpost.Core {typeof(Outpost.Core.Responding.Responder).Assembly.GetName().Version}, {commit}" +
               (dirty ? " + uncommitted changes in src/" : "");
    }

    /// <summary>The mount the temp folder is on (file system type and mount options matter: every job costs several fsyncs).</summary>
    private static string DescribeFileSystem(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            string best = "", description = "";
            foreach (string line in File.ReadLines("/proc/mounts"))
            {
                string[] parts = line.Split(' ');
                if (parts.Length < 4) continue;
                string mount = parts[1];
                bool covers = mount == "/" || full == mount || full.StartsWith(mount + "/", StringComparison.Ordinal);
                if (covers && mount.Length >= best.Length)
                {
                    best = mount;
                    description = $"{parts[2]} on {mount} ({parts[0]}, {parts[3]})";
                }
            }
            return description.Length > 0 ? $"{full} is {description}" : full;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
            return path;
        }
    }

    public IEnumerable<string> Lines()
    {
        yield return $"Date (UTC):   {DateUtc:yyyy-MM-dd HH:mm}";
        yield return $"Engine:       {Engine}";
        yield return $"CPU:          {Cpu}";
        yield return $"Cores:        {Cores} (logical, as .NET sees them)";
        yield return $"Memory:       {Memory}";
        yield return $"OS:           {Os}";
        yield return $".NET:         {Dotnet}";
        yield return $"Temp folder:  {TempFileSystem}";
        yield return $"Load average: {LoadAtStart} (1/5/15 min, at start)";
    }
}

/// <summary>Text helpers for the table.</summary>
internal static class Fmt
{
    public static string Ms(double ms) => ms >= 100 ? $"{ms:0} ms" : ms >= 10 ? $"{ms:0.0} ms" : $"{ms:0.00} ms";
    public static string Rate(double perSecond, string unit) => perSecond >= 100 ? $"{perSecond:0} {unit}/s" : $"{perSecond:0.0} {unit}/s";
    public static string Ratio(double figure, double baseline)
    {
        if (baseline <= 0) return "—";
        double r = figure / baseline;
        return r >= 100 ? $"{r:0}×" : r >= 10 ? $"{r:0.0}×" : $"{r:0.00}×";
    }
    public static string Count(int n) => n.ToString("#,0", CultureInfo.InvariantCulture);
}

internal enum Verdict { Info, Pass, Miss, Error }

internal sealed record Row(string Bench, string What, string Figure, string Baseline, string Ratio, string Target, Verdict Verdict);

/// <summary>The rows and notes of a run; rows are echoed as they come so a long run shows progress.</summary>
internal sealed class Report
{
    public List<Row> Rows { get; } = new();
    public List<string> Notes { get; } = new();

    public void Add(string bench, string what, string figure, string baseline, string ratio, string target, Verdict verdict)
    {
        var row = new Row(bench, what, figure, baseline, ratio, target, verdict);
        Rows.Add(row);
        Console.WriteLine($"   -> {what}: {figure} | baseline {baseline} | {ratio} | {target} | {VerdictText(verdict)}");
    }

    public void Info(string bench, string what, string figure, string baseline = "—", string ratio = "—") =>
        Add(bench, what, figure, baseline, ratio, "—", Verdict.Info);

    public void Check(string bench, string what, string figure, string baseline, string ratio, string target, bool pass) =>
        Add(bench, what, figure, baseline, ratio, target, pass ? Verdict.Pass : Verdict.Miss);

    public void Note(string text)
    {
        Notes.Add(text);
        Console.WriteLine("   note: " + text);
    }

    public static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "PASS",
        Verdict.Miss => "MISS",
        Verdict.Error => "ERROR",
        _ => "info",
    };

    /// <summary>The table as Markdown, columns padded so it also reads well on a terminal.</summary>
    public string ToMarkdown()
    {
        var header = new[] { "Benchmark", "Measurement", "Figure", "Baseline", "Ratio", "Target", "Result" };
        var cells = Rows.Select(r => new[] { r.Bench, r.What, r.Figure, r.Baseline, r.Ratio, r.Target, VerdictText(r.Verdict) }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var text = new StringBuilder();
        void Line(string[] row) => text.Append("| ").Append(string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i])))).Append(" |\n");
        Line(header);
        text.Append("|").Append(string.Join("|", widths.Select(w => new string('-', w + 2)))).Append("|\n");
        foreach (var row in cells) Line(row);
        return text.ToString();
    }
}
