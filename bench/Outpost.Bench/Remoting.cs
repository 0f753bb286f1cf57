using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Outpost.Core.Client;
using Outpost.Core.Sessions;

namespace Outpost.Bench;

/// <summary>
/// P8 and P9: Invoke-OutpostCommand as a PowerShell user runs it (the built module in a real pwsh),
/// against PowerShell's own remoting over SSH on loopback, in the same run; plus the memory a warm
/// spare and a session worker cost.
/// </summary>
internal static class RemotingBench
{
    private const string Block = "{ Get-Process -Id $PID | Select-Object Id, ProcessName; [pscustomobject]@{ Answer = 6 * 7 } }";

    public static async Task RunAsync(BenchRun run, Report report)
    {
        const string bench = "remoting";
        string? pwsh = FindPwsh();
        string? module = FindModule();
        if (pwsh == null || module == null)
        {
            report.Note($"remoting: skipped: {(pwsh == null ? "pwsh is not on PATH" : "the built module (out/Outpost/Outpost.psd1) is missing: run ./build.ps1 or dotnet build first")}");
            return;
        }
        int n = run.Quick ? 10 : 25;
        string share = run.NewFolder("remoting");
        string pwshDir = Path.GetDirectoryName(pwsh)!;
        var environment = new Dictionary<string, string> { ["PATH"] = pwshDir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH") };
        using var ssh = SshLoopback.TryStart(run.NewFolder("sshd"), pwsh, out string sshWhy);
        try
        {
            using var child = ChildProcess.StartResponder(share, lanes: 1, environment: environment);
            await child.WaitReadyAsync(run.Cancel);
            var (spareKb, shSpareKb) = await SpareMemoryAsync(child.Pid, run.Cancel);
            int workerKb = WorkerMemory(share);

            string script = Path.Combine(run.NewFolder("remoting-driver"), "drive.ps1");
            File.WriteAllText(script, Driver);
            var info = new ProcessStartInfo(pwsh) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "-NoProfile", "-File", script, module, share, n.ToString(CultureInfo.InvariantCulture), "2500",
                         ssh?.Port.ToString(CultureInfo.InvariantCulture) ?? "0", ssh?.KeyFile ?? "" })
                info.ArgumentList.Add(a);
            BenchRun.Progress($"driving pwsh: {n} fresh calls (2.5 s apart), {n} session calls{(ssh != null ? ", the same over SSH" : "")}…");
            using var driver = Process.Start(info)!;
            Children.Add(driver);
            string output = await driver.StandardOutput.ReadToEndAsync(run.Cancel);
            string errors = await driver.StandardError.ReadToEndAsync(run.Cancel);
            await driver.WaitForExitAsync(run.Cancel);
            Children.Remove(driver);
            await child.StopAsync();
            var series = Parse(output);
            if (!series.TryGetValue("fresh", out var fresh) || !series.TryGetValue("session", out var session))
                throw new InvalidOperationException("the pwsh driver reported nothing: " + (errors + output).Trim());

            var f = new Stats(fresh);
            var s = new Stats(session);
            series.TryGetValue("ssh", out var sshFresh);
            series.TryGetValue("sshsession", out var sshSession);
            bool haveSsh = sshFresh is { Count: > 0 } && sshSession is { Count: > 0 };
            double fiftenth = haveSsh ? new Stats(sshFresh!).Median / 10 : double.NaN;
            report.Check(bench, $"P8 Invoke-OutpostCommand, idle target, fresh process per call, median of {n}", Fmt.Ms(f.Median),
                haveSsh ? $"Invoke-Command -HostName (SSH): {Fmt.Ms(new Stats(sshFresh!).Median)}" : "SSH: " + (series.ContainsKey("ssherror") ? "failed" : sshWhy),
                haveSsh ? Fmt.Ratio(f.Median, new Stats(sshFresh!).Median) : "—",
                haveSsh ? $"≤ 150 ms and ≤ 1/10 of SSH = {Fmt.Ms(fiftenth)}" : "≤ 150 ms", f.Median <= 150 && (!haveSsh || f.Median <= fiftenth));
            report.Info(bench, $"  P8 p95 of {n}", Fmt.Ms(f.P95));
            if (haveSsh)
            {
                var ss = new Stats(sshSession!);
                double limit = 2 * ss.Median + 10;
                report.Check(bench, $"P9 Invoke-OutpostCommand -Session, median of {n}", Fmt.Ms(s.Median),
                    $"Invoke-Command -Session (SSH): {Fmt.Ms(ss.Median)}", Fmt.Ratio(s.Median, ss.Median), $"≤ 2× + 10 ms = {Fmt.Ms(limit)}", s.Median <= limit);
            }
            else
            {
                report.Info(bench, $"P9 Invoke-OutpostCommand -Session, median of {n} (no SSH baseline: {sshWhy})", Fmt.Ms(s.Median));
            }
            report.Info(bench, "  memory of a waiting pwsh spare (VmRSS)", spareKb > 0 ? $"{spareKb / 1024.0:0} MB" : "not found");
            report.Info(bench, "  memory of a waiting sh spare (VmRSS)", shSpareKb > 0 ? $"{shSpareKb / 1024.0:0.0} MB" : "not found");
            report.Info(bench, "  memory of an idle session worker (VmRSS)", workerKb > 0 ? $"{workerKb / 1024.0:0} MB" : "not found");
            if (series.ContainsKey("ssherror")) report.Note("remoting: SSH comparison failed: " + string.Join(" ", output.Split('\n').Where(l => l.StartsWith("ssherror=", StringComparison.Ordinal))));
            report.Note("remoting: the script block is the issue's: Get-Process -Id $PID | Select-Object Id, ProcessName; [pscustomobject]@{ Answer = 6 * 7 }. " +
                        "Fresh calls are 2.5 s apart so the lane's spare is replaced and warm again (an idle target); SSH runs against sshd on 127.0.0.1 with the powershell subsystem, key auth, started by the bench.");
        }
        finally { BenchRun.DeleteFolder(share); }
    }

    /// <summary>VmRSS of the responder's waiting spares, once they have finished warming up.</summary>
    private static async Task<(long Pwsh, long Sh)> SpareMemoryAsync(int responderPid, CancellationToken cancel)
    {
        long pwsh = 0, sh = 0;
        for (int i = 0; i < 30 && (pwsh == 0 || sh == 0); i++)
        {
            await Task.Delay(500, cancel);
            foreach (int pid in ProcTree.ChildrenOf(responderPid))
            {
                string cmd = ProcTree.CommandLine(pid);
                if (cmd.Contains("warm-spare.ps1", StringComparison.Ordinal)) pwsh = ProcFs.StatusKb(pid.ToString(CultureInfo.InvariantCulture), "VmRSS");
                else if (cmd.Contains("IFS= read -r d", StringComparison.Ordinal)) sh = ProcFs.StatusKb(pid.ToString(CultureInfo.InvariantCulture), "VmRSS");
            }
        }
        await Task.Delay(3000, cancel); // a pwsh spare keeps growing while it warms up
        foreach (int pid in ProcTree.ChildrenOf(responderPid))
            if (ProcTree.CommandLine(pid).Contains("warm-spare.ps1", StringComparison.Ordinal))
                pwsh = Math.Max(pwsh, ProcFs.StatusKb(pid.ToString(CultureInfo.InvariantCulture), "VmRSS"));
        return (pwsh, sh);
    }

    /// <summary>Opens a session with a plain Core job, runs one command in it, and reads its worker's VmRSS.</summary>
    private static int WorkerMemory(string share)
    {
        var target = new OutpostTarget(share, "bench");
        var session = SessionClient.Open(target, "bench", 60, 1, TimeSpan.FromMinutes(2));
        var job = target.Wait(target.Submit(JobSubmission.FromText(SessionDirective.Header(session.InstanceId) +
            "Get-Process -Id $PID | Select-Object Id, ProcessName | Format-Table | Out-String | Out-Null; [System.Management.Automation.PSSerializer]::Serialize($PID) | Out-Null; $PID", "ps1")), TimeSpan.FromMinutes(2));
        int pid = int.Parse(System.Text.Encoding.UTF8.GetString(target.ReadOutput(job, OutputStreamKind.Stdout)).Trim(), CultureInfo.InvariantCulture);
        long kb = ProcFs.StatusKb(pid.ToString(CultureInfo.InvariantCulture), "VmRSS");
        SessionClient.Close(session, TimeSpan.FromSeconds(30));
        return (int)kb;
    }

    private static Dictionary<string, List<double>> Parse(string output)
    {
        var series = new Dictionary<string, List<double>>();
        foreach (string line in output.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            var values = line[(eq + 1)..].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN).ToList();
            series[line[..eq].Trim()] = values.Where(v => !double.IsNaN(v)).ToList();
        }
        return series;
    }

    private static string? FindPwsh() => Outpost.Core.Dispatch.ExecutableSearch.Find("pwsh");

    private static string? FindModule()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "out", "Outpost", "Outpost.psd1");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static readonly string Driver = """
        param($Module, $Share, [int] $N, [int] $PauseMs, [int] $SshPort, $SshKey)
        $ErrorActionPreference = 'Stop'
        Import-Module $Module
        $block = BLOCK
        function Measure-Call([scriptblock] $Call) { $sw = [Diagnostics.Stopwatch]::StartNew(); $null = & $Call; [string]::Format([Globalization.CultureInfo]::InvariantCulture, '{0:0.00}', $sw.Elapsed.TotalMilliseconds) }
        foreach ($i in 1..2) { $null = Invoke-OutpostCommand -Path $Share $block; Start-Sleep -Milliseconds $PauseMs }
        $fresh = foreach ($i in 1..$N) { Measure-Call { Invoke-OutpostCommand -Path $Share $block }; Start-Sleep -Milliseconds $PauseMs }
        'fresh=' + ($fresh -join ',')
        $s = New-OutpostSession -Path $Share
        foreach ($i in 1..3) { $null = Invoke-OutpostCommand -Session $s $block }
        $sess = foreach ($i in 1..$N) { Measure-Call { Invoke-OutpostCommand -Session $s $block } }
        'session=' + ($sess -join ',')
        Remove-OutpostSession $s -Confirm:$false
        if ($SshPort -gt 0) {
            $p = @{ HostName = '127.0.0.1'; Port = $SshPort; UserName = [Environment]::UserName; KeyFilePath = $SshKey
                    Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } }
            try {
                $null = Invoke-Command @p $block
                $ssh = foreach ($i in 1..$N) { Measure-Call { Invoke-Command @p $block } }
                'ssh=' + ($ssh -join ',')
                $ps = New-PSSession @p
                foreach ($i in 1..3) { $null = Invoke-Command -Session $ps $block }
                $sshs = foreach ($i in 1..$N) { Measure-Call { Invoke-Command -Session $ps $block } }
                'sshsession=' + ($sshs -join ',')
                Remove-PSSession $ps
            }
            catch { 'ssherror=' + ($_.Exception.Message -replace '[\r\n=]', ' ') }
        }
        """.Replace("BLOCK", Block);
}

/// <summary>sshd on 127.0.0.1 with PowerShell's SSH subsystem and a throw-away key, owned by the bench.</summary>
internal sealed class SshLoopback : IDisposable
{
    private readonly Process _sshd;

    private SshLoopback(Process sshd, int port, string keyFile)
    {
        _sshd = sshd;
        Port = port;
        KeyFile = keyFile;
    }

    public int Port { get; }
    public string KeyFile { get; }

    public static SshLoopback? TryStart(string folder, string pwsh, out string why)
    {
        why = "";
        string? sshd = new[] { "/usr/sbin/sshd", "/usr/bin/sshd" }.FirstOrDefault(File.Exists);
        string? keygen = Outpost.Core.Dispatch.ExecutableSearch.Find("ssh-keygen");
        if (sshd == null || keygen == null || Outpost.Core.Dispatch.ExecutableSearch.Find("ssh") == null)
        {
            why = "skipped: sshd, ssh or ssh-keygen is not installed (the bench installs nothing)";
            return null;
        }
        try
        {
            string hostKey = Path.Combine(folder, "host_key"), clientKey = Path.Combine(folder, "client_key");
            foreach (string key in new[] { hostKey, clientKey })
                if (!RunQuiet(keygen, "-q", "-t", "ed25519", "-N", "", "-f", key)) { why = "skipped: ssh-keygen failed"; return null; }
            File.Copy(clientKey + ".pub", Path.Combine(folder, "authorized_keys"));
            if (Environment.UserName == "root" && !Directory.Exists("/run/sshd")) Directory.CreateDirectory("/run/sshd"); // sshd's privilege-separation folder
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0)) { probe.Start(); port = ((IPEndPoint)probe.LocalEndpoint).Port; }
            string config = Path.Combine(folder, "sshd_config");
            File.WriteAllText(config, $"Port {port}\nListenAddress 127.0.0.1\nHostKey {hostKey}\nPidFile {Path.Combine(folder, "sshd.pid")}\n" +
                $"AuthorizedKeysFile {Path.Combine(folder, "authorized_keys")}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n" +
                $"StrictModes no\nUsePAM no\nSubsystem powershell {pwsh} -sshs -NoLogo -NoProfile\n");
            var process = Process.Start(new ProcessStartInfo(sshd) { ArgumentList = { "-D", "-e", "-f", config }, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true })!;
            Children.Add(process);
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline && !process.HasExited)
            {
                try { using var client = new TcpClient(); client.Connect(IPAddress.Loopback, port); return new SshLoopback(process, port, clientKey); }
                catch (SocketException) { Thread.Sleep(100); }
            }
            why = "skipped: sshd did not start on 127.0.0.1";
            return null;
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is System.ComponentModel.Win32Exception)
        {
            why = "skipped: could not set up sshd: " + e.Message;
            return null;
        }
    }

    private static bool RunQuiet(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    public void Dispose()
    {
        try { if (!_sshd.HasExited) _sshd.Kill(); }
        catch (InvalidOperationException) { }
        Children.Remove(_sshd);
        _sshd.Dispose();
    }
}

/// <summary>Children of a process and their command lines, from /proc.</summary>
internal static class ProcTree
{
    public static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { continue; }
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == parent.ToString(CultureInfo.InvariantCulture)) yield return pid;
        }
    }

    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return ""; }
    }
}
