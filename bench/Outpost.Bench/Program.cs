using System.Diagnostics;
using System.Text;

namespace Outpost.Bench;

/// <summary>
/// Outpost's end-to-end performance bench. Every figure is measured against its own baseline in the
/// same run (direct process spawning, a plain pipe-to-file copy, an idle .NET process, a one-target
/// probe) and checked against the target set for it. See docs/performance.md.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == ChildModes.ResponderFlag) return await ChildModes.RunResponderAsync(args);
        if (args.Length > 0 && args[0] == ChildModes.IdleFlag) return ChildModes.RunIdle();
        if (args.Length > 0 && args[0] == FilesSubmitterChild.Flag) return await FilesSubmitterChild.MainAsync(args);

        BenchOptions options;
        try { options = BenchOptions.Parse(args); }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(BenchOptions.Usage);
            return 2;
        }
        if (options.Help)
        {
            Console.WriteLine(BenchOptions.Usage);
            return 0;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // unwind: children stopped, temp folders deleted
            Console.Error.WriteLine("cancelling…");
            cancel.Cancel();
        };
        using var run = new BenchRun(options, cancel.Token);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => run.Dispose(); // SIGTERM: children and temp folders too
        var machine = MachineInfo.Collect(run.TempRoot);
        Console.WriteLine("Outpost bench" + (options.Quick ? " (--quick)" : ""));
        foreach (string line in machine.Lines()) Console.WriteLine(line);
        Console.WriteLine();

        var report = new Report();
        if (options.Quick) report.Note("--quick: smaller counts (see the notes of each benchmark); figures are noisier than a full run.");
        int failures = 0;
        var total = Stopwatch.StartNew();
        foreach (var bench in Benchmarks.All.Where(b => options.Selected(b.Name)))
        {
            Console.WriteLine($"== {bench.Name}: {bench.Description}");
            var clock = Stopwatch.StartNew();
            try
            {
                await bench.Run(run, report);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Console.WriteLine("   cancelled");
                break;
            }
            catch (Exception e)
            {
                failures++;
                report.Add(bench.Name, "failed: " + e.GetType().Name, e.Message.Split('\n')[0], "—", "—", "—", Verdict.Error);
                Console.Error.WriteLine(e);
            }
            finally
            {
                Children.KillAll(); // anything a failed benchmark left running
            }
            Console.WriteLine($"   ({clock.Elapsed.TotalSeconds:0.0} s; load average now {ProcFs.LoadAverage()})");
        }
        string loadAtEnd = ProcFs.LoadAverage();

        Console.WriteLine();
        string table = report.ToMarkdown();
        Console.WriteLine(table);
        foreach (string note in report.Notes) Console.WriteLine("- " + note);
        Console.WriteLine($"- total {total.Elapsed.TotalMinutes:0.0} min; load average at end {loadAtEnd}");
        int misses = report.Rows.Count(r => r.Verdict == Verdict.Miss);
        int passes = report.Rows.Count(r => r.Verdict == Verdict.Pass);
        Console.WriteLine($"- targets: {passes} PASS, {misses} MISS" + (failures > 0 ? $", {failures} benchmark(s) FAILED" : ""));

        if (options.OutFile != null)
        {
            var md = new StringBuilder();
            md.Append("```\n");
            foreach (string line in machine.Lines()) md.Append(line).Append('\n');
            md.Append($"Load average: {loadAtEnd} (at end)\n");
            md.Append($"Run:          {(options.Quick ? "--quick" : "full")}, {total.Elapsed.TotalMinutes:0.0} min\n");
            md.Append("```\n\n").Append(table).Append('\n');
            foreach (string note in report.Notes) md.Append("- ").Append(note).Append('\n');
            File.WriteAllText(options.OutFile, md.ToString());
            Console.WriteLine("- written to " + options.OutFile);
        }
        return failures > 0 ? 1 : 0;
    }
}
