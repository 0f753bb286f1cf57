using System.Diagnostics;
using System.Globalization;
using Outpost.Core.Client;

namespace Outpost.Bench;

/// <summary>
/// F1-F4 (issue 18): files through the share. A 1 GiB attachment end to end and a 1 GiB artifact brought
/// home, each against a plain copy of the same number of bytes into the same share in the same run; the
/// peak memory of the submitter and the responder, each in a process of its own; 1,000 small files (a
/// source tree) as an attachment against a plain recursive copy. The submitter runs as a child process
/// (<see cref="FilesSubmitterChild"/>) so its memory is its own and not the harness'.
/// </summary>
internal static class FilesBench
{
    private const string Bench = "files";
    private const double MiB = 1024.0 * 1024.0;

    public static readonly Benchmark Definition = new(Bench,
        "F1-F4: 1 GiB attachment and artifact vs a plain copy into the share, submitter/responder peak memory, 1,000 small files vs cp -r", RunAsync);

    private static async Task RunAsync(BenchRun run, Report report)
    {
        long size = run.Quick ? 256L << 20 : 1L << 30;
        string label = run.Quick ? "256 MiB" : "1 GiB";
        string local = run.NewFolder("files-local");
        try
        {
            string big = Path.Combine(local, "big.bin");
            WriteBigFile(big, size);
            BenchRun.Progress($"wrote the {label} source file");
            var floor = await MemoryFloorAsync(run);
            var f1 = await AttachmentAsync(run, report, big, size, label);
            var f2 = await ArtifactAsync(run, report, big, size, label);
            ReportMemory(report, label, floor, f1, f2);
            File.Delete(big);
            await SmallFilesAsync(run, report, local);
        }
        finally { BenchRun.DeleteFolder(local); }
    }

    // ------------------------------------------------------------------ F1: a 1 GiB attachment

    private static async Task<(ChildExit Submitter, ChildExit Responder)> AttachmentAsync(BenchRun run, Report report, string big, long size, string label)
    {
        string share = run.NewFolder("files-f1");
        try
        {
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            double plain = PlainCopySeconds(big, share);
            // The job checks what it got without reading it again: the figure is the transfer, not the job.
            var exit = await FilesSubmitterChild.RunAsync(share, 1, $"test $(wc -c < big.bin) -eq {size}\n", big, null, null, run.Cancel);
            plain = Math.Min(plain, PlainCopySeconds(big, share)); // before and after: the faster counts, as in "output"
            var responderExit = await responder.StopAsync();
            var t = FilesSubmitterChild.Timings(exit).Single();
            double rate = size / MiB / (t.TotalMs / 1000), plainRate = size / MiB / plain;
            report.Check(Bench, $"F1 {label} attachment: submit → staged → run → result seen", $"{rate:0} MiB/s ({t.TotalMs / 1000:0.0} s)",
                $"plain copy into the share + fsync: {plainRate:0} MiB/s ({plain:0.0} s)", Fmt.Ratio(rate, plainRate), "≥ 0.8× plain copy", rate >= 0.8 * plainRate);
            report.Info(Bench, "  Submit(): read, hash, write parts into the share, fsync each", Fmt.Ms(t.SubmitMs));
            report.Info(Bench, "  submitted → job started: check, read parts, hash, stage into the job's folder", Fmt.Ms(t.StageMs));
            report.Info(Bench, "  job ran (wc -c of the staged file) + result published and seen", Fmt.Ms(t.RunMs + t.CollectMs));
            return (exit, responderExit);
        }
        finally { BenchRun.DeleteFolder(share); }
    }

    // ------------------------------------------------------------------ F2: a 1 GiB artifact

    private static async Task<(ChildExit Submitter, ChildExit Responder)> ArtifactAsync(BenchRun run, Report report, string big, long size, string label)
    {
        string share = run.NewFolder("files-f2");
        string home = run.NewFolder("files-f2-home");
        try
        {
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            double plain = PlainCopySeconds(big, share);
            var exit = await FilesSubmitterChild.RunAsync(share, 1, $"head -c {size} /dev/zero > out.bin\n", null, "out.bin", home, run.Cancel);
            plain = Math.Min(plain, PlainCopySeconds(big, share));
            var responderExit = await responder.StopAsync();
            var t = FilesSubmitterChild.Timings(exit).Single();
            double seconds = (t.CollectMs + t.ReceiveMs) / 1000;
            double rate = size / MiB / seconds, plainRate = size / MiB / plain;
            report.Check(Bench, $"F2 {label} artifact: job ended → collected → result seen → received home", $"{rate:0} MiB/s ({seconds:0.0} s)",
                $"plain copy into the share + fsync: {plainRate:0} MiB/s ({plain:0.0} s)", Fmt.Ratio(rate, plainRate), "≥ 0.8× plain copy", rate >= 0.8 * plainRate);
            report.Info(Bench, "  job ended → result seen: read, hash, write parts into the outbox, fsync each, publish", Fmt.Ms(t.CollectMs));
            report.Info(Bench, "  ArtifactReceiver.Receive: read parts, hash, write home, rename", Fmt.Ms(t.ReceiveMs));
            report.Info(Bench, "  the job itself (head -c into its folder), not counted", Fmt.Ms(t.RunMs));
            return (exit, responderExit);
        }
        finally
        {
            BenchRun.DeleteFolder(share);
            BenchRun.DeleteFolder(home);
        }
    }

    // ------------------------------------------------------------------ F3: peak memory

    /// <summary>The same two processes with one trivial job and no files: the runtime's own floor.</summary>
    private static async Task<(ChildExit Submitter, ChildExit Responder)> MemoryFloorAsync(BenchRun run)
    {
        string share = run.NewFolder("files-floor");
        try
        {
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            var exit = await FilesSubmitterChild.RunAsync(share, 1, "exit 0\n", null, null, null, run.Cancel);
            return (exit, await responder.StopAsync());
        }
        finally { BenchRun.DeleteFolder(share); }
    }

    private static void ReportMemory(Report report, string label, (ChildExit Submitter, ChildExit Responder) floor,
        (ChildExit Submitter, ChildExit Responder) f1, (ChildExit Submitter, ChildExit Responder) f2)
    {
        void Row(string what, ChildExit exit, ChildExit baseline)
        {
            double peak = exit.PeakKb / 1024.0, base0 = baseline.PeakKb / 1024.0;
            report.Check(Bench, what, $"{peak:0.0} MiB", $"same process, one trivial job: {base0:0.0} MiB", Fmt.Ratio(peak, base0), "≤ 100 MiB", peak <= 100);
        }
        Row($"F3 submitter peak memory (VmHWM), F1 {label} attachment", f1.Submitter, floor.Submitter);
        Row($"F3 responder peak memory (VmHWM), F1 {label} attachment", f1.Responder, floor.Responder);
        Row($"F3 submitter peak memory (VmHWM), F2 {label} artifact", f2.Submitter, floor.Submitter);
        Row($"F3 responder peak memory (VmHWM), F2 {label} artifact", f2.Responder, floor.Responder);
        report.Note($"files: submitter and responder are separate child processes; peak = VmHWM each reads as it exits. " +
                    $"GC allocated: F1 submitter {f1.Submitter.GcAllocatedBytes / MiB:0.0} MiB, responder {f1.Responder.GcAllocatedBytes / MiB:0.0} MiB; " +
                    $"F2 submitter {f2.Submitter.GcAllocatedBytes / MiB:0.0} MiB, responder {f2.Responder.GcAllocatedBytes / MiB:0.0} MiB.");
    }

    // ------------------------------------------------------------------ F4: 1,000 small files

    private static async Task SmallFilesAsync(BenchRun run, Report report, string local)
    {
        int runs = run.Quick ? 3 : 7;
        string tree = Path.Combine(local, "tree");
        long bytes = WriteSourceTree(tree, 1000);
        string share = run.NewFolder("files-f4");
        try
        {
            var plain = new List<double>();
            for (int i = 0; i < runs + 1; i++)
            {
                double ms = RecursiveCopyMs(tree, Path.Combine(share, "plain-tree"));
                if (i > 0) plain.Add(ms); // the first warms the page cache and cp
            }
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            var exit = await FilesSubmitterChild.RunAsync(share, runs, "test -f tree/d00/f0000.cs\n", tree, null, null, run.Cancel);
            await responder.StopAsync();
            var timings = FilesSubmitterChild.Timings(exit);
            var total = new Stats(timings.Select(t => t.TotalMs));
            var cp = new Stats(plain);
            report.Check(Bench, $"F4 1,000 small files ({bytes / 1024.0:0} KiB) attached: submit → result seen, median of {runs}", Fmt.Ms(total.Median),
                $"cp -r into the share: {Fmt.Ms(cp.Median)}", Fmt.Ratio(total.Median, cp.Median), "≤ 2× cp -r", total.Median <= 2 * cp.Median);
            report.Info(Bench, "  Submit(): 1,000 files read and hashed into one part, fsync", Fmt.Ms(new Stats(timings.Select(t => t.SubmitMs)).Median));
            report.Info(Bench, "  submitted → job started: check, unpack 1,000 files (temp name, hash, rename each)", Fmt.Ms(new Stats(timings.Select(t => t.StageMs)).Median));
            report.Info(Bench, "  job ran + result published and seen", Fmt.Ms(new Stats(timings.Select(t => t.RunMs + t.CollectMs)).Median));
            report.Info(Bench, "  a trivial job's round trip for comparison: see \"roundtrip\"", "—");
        }
        finally { BenchRun.DeleteFolder(share); }
    }

    /// <summary>A source-tree-like folder: <paramref name="count"/> files of 200 B to 24 KiB in 40 folders two deep; returns its bytes.</summary>
    private static long WriteSourceTree(string root, int count)
    {
        var random = new Random(18);
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            string folder = Path.Combine(root, $"d{i % 20:00}", i % 2 == 0 ? "" : "sub");
            Directory.CreateDirectory(folder);
            var text = new char[random.Next(200, 24 * 1024)];
            for (int c = 0; c < text.Length; c++) text[c] = c % 60 == 59 ? '\n' : (char)random.Next(32, 127);
            File.WriteAllText(Path.Combine(folder, $"f{i:0000}.cs"), new string(text));
            total += text.Length;
        }
        return total;
    }

    /// <summary>The size given, in 1 MiB blocks that differ from each other (no file system or cache can fold them).</summary>
    private static void WriteBigFile(string path, long size)
    {
        var block = new byte[1 << 20];
        new Random(1).NextBytes(block);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        for (long done = 0; done < size; done += block.Length)
        {
            BitConverter.TryWriteBytes(block, done);
            file.Write(block, 0, (int)Math.Min(block.Length, size - done));
        }
        file.Flush(flushToDisk: true);
    }

    /// <summary>The baseline: the bytes read and written into the share in 1 MiB blocks, fsynced, as a careful copy tool does; seconds.</summary>
    private static double PlainCopySeconds(string source, string share)
    {
        string target = Path.Combine(share, "plain-copy.bin");
        long t0 = Stopwatch.GetTimestamp();
        using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        using (var to = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
            var buffer = new byte[1 << 20];
            int read;
            while ((read = from.Read(buffer, 0, buffer.Length)) > 0) to.Write(buffer, 0, read);
            to.Flush(flushToDisk: true);
        }
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        File.Delete(target);
        return seconds;
    }

    /// <summary><c>cp -r</c> of the tree into the share (no fsync, as cp does), then removed; milliseconds.</summary>
    private static double RecursiveCopyMs(string tree, string target)
    {
        var info = new ProcessStartInfo("cp") { UseShellExecute = false };
        info.ArgumentList.Add("-r");
        info.ArgumentList.Add(tree);
        info.ArgumentList.Add(target);
        long t0 = Stopwatch.GetTimestamp();
        using (var process = Process.Start(info)!)
        {
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException("cp -r exited " + process.ExitCode);
        }
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        Directory.Delete(target, recursive: true);
        return ms;
    }
}
