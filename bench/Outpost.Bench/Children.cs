using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Outpost.Core.Client;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;

namespace Outpost.Bench;

/// <summary>
/// The hidden modes the bench re-launches itself in, so a responder's memory and CPU can be measured
/// alone (the submitter, the harness and the baselines live in the parent).
/// Both modes treat end-of-file on stdin as "the parent is gone": the parent keeps the pipe open, so a
/// killed bench never leaves a responder behind, and waiting on a read costs no CPU.
/// </summary>
internal static class ChildModes
{
    public const string ResponderFlag = "--responder";
    public const string IdleFlag = "--idle";

    /// <summary><c>--responder &lt;share&gt; &lt;lanes&gt; &lt;capBytes&gt; [--no-watcher] [--no-adaptive] [--poll-ms N]</c>: serve until STOP.</summary>
    public static async Task<int> RunResponderAsync(string[] args)
    {
        if (args.Length < 4)
        {
            Console.Error.WriteLine("usage: --responder <share> <lanes> <capBytes> [--no-watcher] [--no-adaptive] [--poll-ms N]");
            return 2;
        }
        var options = new ResponderOptions
        {
            SharePath = args[1],
            LaneCount = int.Parse(args[2], CultureInfo.InvariantCulture),
            OutputCapBytes = long.Parse(args[3], CultureInfo.InvariantCulture),
            Name = "bench",
        };
        for (int i = 4; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--no-watcher": options.UseWatcher = false; break;
                case "--no-adaptive": options.AdaptivePolling = false; break;
                case "--poll-ms": options.PollInterval = TimeSpan.FromMilliseconds(double.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                default:
                    Console.Error.WriteLine("unknown responder option " + args[i]);
                    return 2;
            }
        }
        using var stop = new CancellationTokenSource();
        StopWhenParentGoes(stop);
        int exit = ResponderExitCodes.For(await new Responder(options).RunAsync(stop.Token).ConfigureAwait(false));
        ReportSelf();
        return exit;
    }

    /// <summary><c>--idle</c>: a .NET process that does nothing (the idle-CPU and memory floor of the runtime itself).</summary>
    public static int RunIdle()
    {
        Console.WriteLine("ready");
        Console.Out.Flush();
        try { Console.OpenStandardInput().CopyTo(Stream.Null); }
        catch (IOException) { }
        ReportSelf();
        return 0;
    }

    private static void StopWhenParentGoes(CancellationTokenSource stop)
    {
        var thread = new Thread(() =>
        {
            try { Console.OpenStandardInput().CopyTo(Stream.Null); }
            catch (IOException) { }
            try { stop.Cancel(); }
            catch (ObjectDisposedException) { }
        }) { IsBackground = true, Name = "parent-watch" };
        thread.Start();
    }

    /// <summary>The peak resident set (VmHWM) as the process ends: the figure the memory target is about.</summary>
    internal static void ReportSelf()
    {
        Console.WriteLine("vmhwm_kb=" + ProcFs.StatusKb("self", "VmHWM").ToString(CultureInfo.InvariantCulture));
        Console.WriteLine("vmrss_kb=" + ProcFs.StatusKb("self", "VmRSS").ToString(CultureInfo.InvariantCulture));
        Console.WriteLine("gc_allocated_bytes=" + GC.GetTotalAllocatedBytes().ToString(CultureInfo.InvariantCulture));
        Console.WriteLine("gc_gen0=" + GC.CollectionCount(0).ToString(CultureInfo.InvariantCulture)
                          + " gc_gen1=" + GC.CollectionCount(1).ToString(CultureInfo.InvariantCulture)
                          + " gc_gen2=" + GC.CollectionCount(2).ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
    }
}

/// <summary>Every child process the bench started, so none outlives it (killed by their own Process objects, nothing else).</summary>
internal static class Children
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    public static void Add(Process process) => Running[process.Id] = process;

    public static void Remove(Process process) => Running.TryRemove(process.Id, out _);

    public static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (Exception e) when (e is InvalidOperationException || e is System.ComponentModel.Win32Exception) { }
            Running.TryRemove(process.Id, out _);
        }
    }

    /// <summary>A start info that runs this very program again (as <c>dotnet Outpost.Bench.dll</c> or through its apphost).</summary>
    public static ProcessStartInfo Self(IEnumerable<string> arguments, string workingDirectory)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var info = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.FileName = host;
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        else
        {
            info.FileName = host;
        }
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }
}

/// <summary>What a child reported as it ended.</summary>
internal sealed class ChildExit
{
    public int ExitCode { get; init; }
    public long PeakKb { get; init; }
    public long GcAllocatedBytes { get; init; }
    public string GcCounts { get; init; } = "";
    public string Output { get; init; } = "";
}

/// <summary>A bench child process (a responder, or an idle .NET process) seen from the parent.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private long _sampledPeakKb;

    private ChildProcess(Process process, string share, int lanes)
    {
        _process = process;
        Share = share;
        Lanes = lanes;
    }

    public string Share { get; }
    public int Lanes { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ChildProcess StartResponder(string share, int lanes, long capBytes = Wire.DefaultOutputCapBytes,
        bool watcher = true, TimeSpan? poll = null, bool adaptive = true, IDictionary<string, string>? environment = null)
    {
        var args = new List<string> { ChildModes.ResponderFlag, share, lanes.ToString(CultureInfo.InvariantCulture), capBytes.ToString(CultureInfo.InvariantCulture) };
        if (!watcher) args.Add("--no-watcher");
        if (!adaptive) args.Add("--no-adaptive");
        if (poll.HasValue)
        {
            args.Add("--poll-ms");
            args.Add(poll.Value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        }
        return Start(args, share, lanes, environment);
    }

    public static ChildProcess StartIdle(string folder) => Start(new[] { ChildModes.IdleFlag }, folder, 0, null);

    /// <summary>A child in any other mode that ends by itself (its working folder is <paramref name="folder"/>'s parent).</summary>
    public static ChildProcess StartWith(IEnumerable<string> args, string folder) => Start(args, folder, 0, null);

    private static ChildProcess Start(IEnumerable<string> args, string folder, int lanes, IDictionary<string, string>? environment)
    {
        Directory.CreateDirectory(folder);
        var info = Children.Self(args, Path.GetDirectoryName(Path.GetFullPath(folder)) ?? folder);
        if (environment != null)
            foreach (var pair in environment) info.Environment[pair.Key] = pair.Value;
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, folder, lanes);
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (child._stdout) child._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (child._stderr) child._stderr.AppendLine(e.Data); };
        process.Start();
        Children.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the responder has advertised and every lane has a heartbeat (or the idle child said ready).</summary>
    public async Task WaitReadyAsync(CancellationToken cancel)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            cancel.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"child {Pid} exited {_process.ExitCode} before it was ready: {Stderr().Trim()}");
            if (IsReady()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"child {Pid} was not ready within 60 s: {Stderr().Trim()}");
            await Task.Delay(20, cancel).ConfigureAwait(false);
        }
    }

    private bool IsReady()
    {
        if (Lanes == 0)
            lock (_stdout) return _stdout.ToString().Contains("ready", StringComparison.Ordinal);
        if (!File.Exists(Path.Combine(Share, Wire.InboxDir, Wire.DispatchFile))) return false;
        for (int lane = 1; lane <= Lanes; lane++)
            if (!File.Exists(Path.Combine(Share, Wire.InboxDir, lane.ToString(CultureInfo.InvariantCulture), Wire.StatusFile))) return false;
        return true;
    }

    /// <summary>User + system CPU the child has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Reads VmHWM from /proc now (a fallback in case the child cannot report it itself).</summary>
    public void SamplePeak()
    {
        long kb = ProcFs.StatusKb(Pid.ToString(CultureInfo.InvariantCulture), "VmHWM");
        if (kb > _sampledPeakKb) _sampledPeakKb = kb;
    }

    /// <summary>Stops a responder with the STOP sentinel (an idle child by closing its stdin) and collects its report.</summary>
    public async Task<ChildExit> StopAsync(TimeSpan? timeout = null)
    {
        SamplePeak();
        if (Lanes > 0) new OutpostTarget(Share).SetSentinel(Wire.StopSentinel);
        else _process.StandardInput.Close();
        return await WaitExitAsync(timeout).ConfigureAwait(false);
    }

    /// <summary>Waits for the child to end (killed after <paramref name="timeout"/>) and collects its report.</summary>
    public async Task<ChildExit> WaitExitAsync(TimeSpan? timeout = null)
    {
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try { await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
            Children.Remove(_process);
            throw new TimeoutException($"child {Pid} did not stop within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds:0} s; killed it");
        }
        Children.Remove(_process);
        string output;
        lock (_stdout) output = _stdout.ToString();
        long Field(string key)
        {
            foreach (string line in output.Split('\n'))
            {
                string trimmed = line.Trim();
                if (trimmed.StartsWith(key + "=", StringComparison.Ordinal) &&
                    long.TryParse(trimmed[(key.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                    return value;
            }
            return 0;
        }
        long peak = Field("vmhwm_kb");
        string gc = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("gc_gen0=", StringComparison.Ordinal)) ?? "";
        return new ChildExit
        {
            ExitCode = _process.ExitCode,
            PeakKb = peak > 0 ? peak : _sampledPeakKb,
            GcAllocatedBytes = Field("gc_allocated_bytes"),
            GcCounts = gc,
            Output = output,
        };
    }

    public string Stderr()
    {
        lock (_stderr) return _stderr.ToString();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException || e is System.ComponentModel.Win32Exception) { }
        Children.Remove(_process);
        _process.Dispose();
    }
}
