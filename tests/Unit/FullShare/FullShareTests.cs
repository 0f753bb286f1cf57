using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Outpost.Core.Protocol;
using Outpost.Core.Responding;
using Outpost.Core.Transport;
using Outpost.Tests.Cli;
using Outpost.Tests.Support;
using Xunit;

namespace Outpost.Tests.FullShare
{
    /// <summary>
    /// A share on a 3 MiB tmpfs and a job that prints 6 MB: the job is never blocked, the result says the
    /// output was cut short and why, no temp file is left, and the next job runs once there is room.
    /// </summary>
    public sealed class FullShareTests
    {
        [Fact]
        public async Task A_job_that_fills_the_share_is_answered_promptly_and_the_next_job_runs()
        {
            HostRequirements.RequireLinux("mounts a small tmpfs as the share");
            HostRequirements.RequirePosixShell();
            if (!Environment.IsPrivilegedProcess) Assert.Skip("needs root to mount a 3 MiB tmpfs as a full share");
            using var outside = new TempFolder();
            using var mount = SmallFileSystem.TryMount(outside.Combine("mnt"), "3m");
            if (mount.Error != null) Assert.Skip("cannot mount a tmpfs here: " + mount.Error);
            string runs = outside.Combine("runs.txt");

            await using var responder = new RunningResponder(sharePath: Path.Combine(mount.Path, "share"));
            var started = DateTime.UtcNow;
            string script = $"echo run >> '{runs}'\nyes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 6000000\necho done >&2\n";
            var (exit, _, stderr) = CliTests.RunCli($"submit --dir \"{responder.SharePath}\" --ext sh --wait-timeout 45s -", script);

            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"the submitter waited {DateTime.UtcNow - started}, not answered promptly (exit {exit}): {stderr}");
            Assert.Equal(0, exit);
            Assert.Contains("output is truncated", stderr);
            Assert.Contains("space", stderr, StringComparison.OrdinalIgnoreCase);
            string resultFile = Assert.Single(Directory.GetFiles(Path.Combine(responder.SharePath, "outbox", "1"), "*.result"));
            var result = JobResult.Parse(File.ReadAllBytes(resultFile));
            Assert.False(result.TimedOut, "the job was blocked on its full pipe until its timeout");
            Assert.True(result.StdoutTruncated, "the result does not say the output was cut short");
            Assert.Contains("space", result.TruncatedReason, StringComparison.OrdinalIgnoreCase);
            Assert.Single(File.ReadAllLines(runs));

            await Task.Delay(TimeSpan.FromMilliseconds(1500)); // a few heartbeats on the (maybe still) full share
            Assert.Empty(Directory.GetFiles(responder.SharePath, "*.tmp", SearchOption.AllDirectories));

            foreach (string output in Directory.GetFiles(responder.SharePath, result.Stem + ".stdout", SearchOption.AllDirectories))
                File.Delete(output);
            var small = responder.RunJob("echo small\n");
            Assert.Equal(0, small.Result!.ExitCode);
            Assert.Equal("small\n", responder.Stdout(small));
            Assert.Single(File.ReadAllLines(runs));
            Assert.Empty(Directory.GetFiles(responder.SharePath, "*.tmp", SearchOption.AllDirectories));
            string log = File.ReadAllText(Path.Combine(responder.SharePath, "outpost.log"));
            Assert.DoesNotContain("interrupted", log, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("output truncated", log);
        }
    }

    public sealed class FullSharePublishTests
    {
        [Fact]
        public async Task A_result_that_does_not_fit_is_retried_until_there_is_room_and_a_stop_ends_the_retries()
        {
            HostRequirements.RequireLinux("mounts a small tmpfs as the share");
            HostRequirements.RequirePosixShell();
            if (!Environment.IsPrivilegedProcess) Assert.Skip("needs root to mount a 2 MiB tmpfs as a full share");
            using var outside = new TempFolder();
            using var mount = SmallFileSystem.TryMount(outside.Combine("mnt"), "2m");
            if (mount.Error != null) Assert.Skip("cannot mount a tmpfs here: " + mount.Error);
            await using var responder = new RunningResponder(sharePath: Path.Combine(mount.Path, "share"));
            string filler = Path.Combine(mount.Path, "filler");

            // The share fills up (not with this job's output) while the job runs: nothing of its own to free.
            var first = responder.Submit("sleep 1\necho hi\n");
            WaitUntilStarted(responder, first.Stem);
            Fill(filler);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Empty(Directory.GetFiles(Path.Combine(responder.SharePath, "outbox", "1"), "*.result"));
            Assert.Empty(Directory.GetFiles(responder.SharePath, "*.tmp", SearchOption.AllDirectories));
            File.Delete(filler);
            var done = responder.Target.Wait(first, TimeSpan.FromSeconds(15));
            Assert.Equal(0, done.Result!.ExitCode);
            Assert.True(done.Result.StdoutTruncated);

            var second = responder.Submit("sleep 1\necho again\n");
            WaitUntilStarted(responder, second.Stem);
            Fill(filler);
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            var stopping = DateTime.UtcNow;
            await responder.StopAsync();
            Assert.True(DateTime.UtcNow - stopping < TimeSpan.FromSeconds(10), "the stop waited for the share to have room");
            Assert.Contains(responder.Events, e => e.Message.Contains("gave up publishing the result", StringComparison.Ordinal));
            Assert.Empty(Directory.GetFiles(responder.SharePath, "*.tmp", SearchOption.AllDirectories));
            File.Delete(filler);
        }

        private static void WaitUntilStarted(RunningResponder responder, string stem) =>
            RunningResponder.WaitUntil(() => responder.Events.Any(e => e.Kind == ResponderEventKind.JobStarted && e.Stem == stem), TimeSpan.FromSeconds(10));

        private static void Fill(string path)
        {
            using var filler = new FileStream(path, FileMode.Create);
            var chunk = new byte[16 * 1024];
            try { while (true) filler.Write(chunk, 0, chunk.Length); }
            catch (IOException) { }
        }
    }

    public sealed class FullShareWriteTests
    {
        [Fact]
        public void A_write_the_full_share_refuses_leaves_no_temp_file_and_is_known_as_out_of_space()
        {
            HostRequirements.RequireLinux("mounts a small tmpfs");
            if (!Environment.IsPrivilegedProcess) Assert.Skip("needs root to mount a 1 MiB tmpfs");
            using var outside = new TempFolder();
            using var mount = SmallFileSystem.TryMount(outside.Combine("mnt"), "1m");
            if (mount.Error != null) Assert.Skip("cannot mount a tmpfs here: " + mount.Error);
            using (var filler = new FileStream(Path.Combine(mount.Path, "filler"), FileMode.Create))
            {
                var chunk = new byte[64 * 1024];
                try { while (true) filler.Write(chunk, 0, chunk.Length); }
                catch (IOException) { }
            }

            var e = Assert.ThrowsAny<IOException>(() => AtomicFile.Write(Path.Combine(mount.Path, "status.txt"), new byte[20_000], durable: false));
            Assert.True(ShareErrors.IsOutOfSpace(e), $"not recognised as out of space: {e.HResult:X8} {e.Message}");
            Assert.DoesNotContain(" : '", ShareErrors.Describe(e));
            Assert.Equal(new[] { "filler" }, Directory.GetFiles(mount.Path).Select(Path.GetFileName));
        }
    }

    /// <summary>A tmpfs of a given size mounted for one test, unmounted when disposed.</summary>
    internal sealed class SmallFileSystem : IDisposable
    {
        private bool _mounted;

        private SmallFileSystem(string path) => Path = path;

        public string Path { get; }
        public string? Error { get; private set; }

        public static SmallFileSystem TryMount(string path, string size)
        {
            Directory.CreateDirectory(path);
            var fs = new SmallFileSystem(path);
            fs.Error = Run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path);
            fs._mounted = fs.Error == null;
            return fs;
        }

        /// <summary>Null when the command succeeded, else why not.</summary>
        private static string? Run(string file, params string[] args)
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string a in args) start.ArgumentList.Add(a);
            try
            {
                using var process = Process.Start(start)!;
                string err = process.StandardError.ReadToEnd();
                process.WaitForExit();
                return process.ExitCode == 0 ? null : $"{file} exited {process.ExitCode}: {err.Trim()}";
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return $"{file}: {e.Message}";
            }
        }

        public void Dispose()
        {
            if (_mounted && Run("umount", Path) != null) Run("umount", "-l", Path);
            _mounted = false;
        }
    }
}
