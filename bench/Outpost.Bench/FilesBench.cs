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
        int runs = run.Quick ? 1 : 3;
        string share = run.NewFolder("files-f1");
        try
        {
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            // The job checks what it got (a stat, not a read): the figure is the transfer, not the job.
            var exit = await FilesSubmitterChild.RunAsync(share, runs, $"test $(stat -c %s big.bin) -eq {size}\n", big, null, null, big, run.Cancel);
            var responderExit = await responder.StopAsync();
            var t = FilesSubmitterChild.Timings(exit);
            double seconds = Median(t, x => x.TotalMs) / 1000, plain = Median(t, x => x.PlainMs) / 1000;
            double rate = size / MiB / seconds, plainRate = size / MiB / plain;
            report.Check(Bench, $"F1 {label} attachment: submit → staged → run → result seen{Of(runs)}", $"{rate:0} MiB/s ({seconds:0.0} s)",
                $"plain copy into the share + fsync: {plainRate:0} MiB/s ({plain:0.0} s)", Fmt.Ratio(rate, plainRate), "≥ 0.8× plain copy", rate >= 0.8 * plainRate);
            report.Info(Bench, "  Submit(): read, hash, write parts into the share, fsync each", Fmt.Ms(Median(t, x => x.SubmitMs)));
            report.Info(Bench, "  submitted → job started: check, read parts, hash, stage into the job's folder", Fmt.Ms(Median(t, x => x.StageMs)));
            report.Info(Bench, "  job ran + result published and seen", Fmt.Ms(Median(t, x => x.RunMs + x.CollectMs)));
            return (exit, responderExit);
        }
        finally { BenchRun.DeleteFolder(share); }
    }

    // ------------------------------------------------------------------ F2: a 1 GiB artifact

    private static async Task<(ChildExit Submitter, ChildExit Responder)> ArtifactAsync(BenchRun run, Report report, string big, long size, string label)
    {
        int runs = run.Quick ? 1 : 3;
        string share = run.NewFolder("files-f2");
        string home = run.NewFolder("files-f2-home");
        try
        {
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            var exit = await FilesSubmitterChild.RunAsync(share, runs, $"head -c {size} /dev/zero > out.bin\n", null, "out.bin", home, big, run.Cancel);
            var responderExit = await responder.StopAsync();
            var t = FilesSubmitterChild.Timings(exit);
            // From the job's end: what the job itself takes to write the file is not the transfer's.
            double seconds = Median(t, x => x.CollectMs + x.ReceiveMs) / 1000, plain = Median(t, x => x.PlainMs) / 1000;
            double rate = size / MiB / seconds, plainRate = size / MiB / plain;
            report.Check(Bench, $"F2 {label} artifact: job ended → collected → result seen → received home{Of(runs)}", $"{rate:0} MiB/s ({seconds:0.0} s)",
                $"plain copy into the share + fsync: {plainRate:0} MiB/s ({plain:0.0} s)", Fmt.Ratio(rate, plainRate), "≥ 0.8× plain copy", rate >= 0.8 * plainRate);
            report.Info(Bench, "  job ended → result seen: read, hash, write parts into the outbox, fsync each, publish", Fmt.Ms(Median(t, x => x.CollectMs)));
            report.Info(Bench, "  ArtifactReceiver.Receive: read parts, hash, write home, rename", Fmt.Ms(Median(t, x => x.ReceiveMs)));
            report.Info(Bench, "  the job itself (head -c into its folder), not counted", Fmt.Ms(Median(t, x => x.RunMs)));
            return (exit, responderExit);
        }
        finally
        {
            BenchRun.DeleteFolder(share);
            BenchRun.DeleteFolder(home);
        }
    }

    private static double Median(List<FilesTiming> timings, Func<FilesTiming, double> figure) => new Stats(timings.Select(figure)).Median;

    private static string Of(int runs) => runs > 1 ? $", median of {runs}" : "";

    // ------------------------------------------------------------------ F3: peak memory

    /// <summary>The same two processes with one trivial job and no files: the runtime's own floor.</summary>
    private static async Task<(ChildExit Submitter, ChildExit Responder)> MemoryFloorAsync(BenchRun run)
    {
        string share = run.NewFolder("files-floor");
        try
        {
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            var exit = await FilesSubmitterChild.RunAsync(share, 1, "exit 0\n", null, null, null, null, run.Cancel);
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
            using var responder = ChildProcess.StartResponder(share, lanes: 1);
            await responder.WaitReadyAsync(run.Cancel);
            var exit = await FilesSubmitterChild.RunAsync(share, runs, "test -f tree/d00/f0000.cs\n", tree, null, null, tree, run.Cancel);
            await responder.StopAsync();
            var t = FilesSubmitterChild.Timings(exit);
            double total = Median(t, x => x.TotalMs), cp = Median(t, x => x.PlainMs);
            report.Check(Bench, $"F4 1,000 small files ({bytes / 1024.0:0} KiB) attached: submit → result seen, median of {runs}", Fmt.Ms(total),
                $"cp -r into the share: {Fmt.Ms(cp)}", Fmt.Ratio(total, cp), "≤ 2× cp -r", total <= 2 * cp);
            report.Info(Bench, "  Submit(): 1,000 files read and hashed into one part, fsync", Fmt.Ms(Median(t, x => x.SubmitMs)));
            report.Info(Bench, "  submitted → job started: check, unpack 1,000 files (temp name, hash, rename each)", Fmt.Ms(Median(t, x => x.StageMs)));
            report.Info(Bench, "  job ran + result published and seen", Fmt.Ms(Median(t, x => x.RunMs + x.CollectMs)));
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
            string folder = Path.Combine(root, $"d{i % 20:00}", (i / 20) % 2 == 0 ? "" : "sub");
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
}
